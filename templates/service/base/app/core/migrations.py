"""The service's Alembic migrations: the schema version this code expects, and applying them.

The head revision(s) are read once, at startup (see app.events.database), from the
migrations/ directory next to `app/`; readiness compares them with the revision the database
records in its `alembic_version` table (app.services.health).

`python -m app.cmd.api.main --migrate` applies the pending migrations before serving, in the
same process (`apply_migrations`); `alembic upgrade head` does the same on its own.
"""

import logging
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
ALEMBIC_INI = MIGRATIONS_DIR.parent / "alembic.ini"


@cache
def migration_heads() -> frozenset[str] | None:
    """The head revisions of the migrations; None when they are not shipped with the code
    (the schema version is then not checked). Read once per process (Alembic loads every
    migration file to find them): the files do not change while it runs."""
    if not MIGRATIONS_DIR.is_dir():
        logger.warning("No migrations in %s: the schema version is not checked", MIGRATIONS_DIR)
        return None
    return frozenset(ScriptDirectory(str(MIGRATIONS_DIR)).get_heads())


def alembic_config(database_url: str) -> Config:
    """Alembic's settings (alembic.ini) for the database at `database_url`, leaving the
    process's logging as it is (env.py would otherwise load the .ini's logging setup)."""
    config = Config(ALEMBIC_INI)
    # "%" is an interpolation character in .ini values.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.attributes["configure_logger"] = False
    return config


def apply_migrations(database_url: str) -> None:
    """Bring the database up to the head revision, as `alembic upgrade head` does.

    Replicas that start together take turns (migrations/env.py holds a database lock).
    Alembic's env.py runs its own event loop: call this before the server starts one.
    """
    command.upgrade(alembic_config(database_url), "head")
