"""The tables of a test database: the models' tables, recorded as migrated to the head
revision, as `alembic upgrade head` leaves them (tests/test_migrations.py checks that the
migrations build exactly these tables).
"""

from functools import cache

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from app.core.migrations import MIGRATIONS_DIR
from app.models import Base


@cache
def migration_scripts() -> ScriptDirectory:
    """The revision files, read once per test run: they do not change while it runs."""
    return ScriptDirectory(str(MIGRATIONS_DIR))


def create_schema(connection: Connection) -> None:
    """Create the tables of the models that do not exist yet, and stamp the head revision."""
    Base.metadata.create_all(connection)
    MigrationContext.configure(connection).stamp(migration_scripts(), "head")
