"""The schema version this code expects: the head revision(s) of its Alembic migrations.

Read once, at startup (see app.events.database), from the migrations/ directory next to
`app/`; readiness compares it with the revision the database records in its
`alembic_version` table (app.services.health).
"""

import logging
from pathlib import Path

from alembic.script import ScriptDirectory

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def migration_heads() -> frozenset[str] | None:
    """The head revisions of the migrations; None when they are not shipped with the code
    (the schema version is then not checked)."""
    if not MIGRATIONS_DIR.is_dir():
        logger.warning("No migrations in %s: the schema version is not checked", MIGRATIONS_DIR)
        return None
    return frozenset(ScriptDirectory(str(MIGRATIONS_DIR)).get_heads())
