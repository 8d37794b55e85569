"""Run migrations with the service's async engine.

The URL is the service's `database_url` setting, unless the caller set
`sqlalchemy.url` on the Alembic config (the migration tests do).
"""

import asyncio
from logging.config import fileConfig
from typing import Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.models.base import UtcDateTime
from app.core.database_locks import MIGRATIONS, held
from app.core.settings import get_settings
from app.models import Base

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name)

target_metadata = Base.metadata


def database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or get_settings().database_url


def run_migrations_offline() -> None:
    """Print the SQL instead of running it: `alembic upgrade head --sql`."""
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def render_item(kind: str, item: object, autogen_context: AutogenContext) -> str | Literal[False]:
    """Write the model's own column types in new migrations as plain SQLAlchemy types.

    A migration must keep working when the models change later, so it does not import
    them: a `UtcDateTime` column becomes the types it stands for on each database.
    """
    if kind == "type" and isinstance(item, UtcDateTime):
        autogen_context.imports.add("from sqlalchemy.dialects import mysql")
        return (
            "sa.DateTime(timezone=True).with_variant("
            'mysql.DATETIME(timezone=True, fsp=6), "mysql", "mariadb")'
        )
    return False  # the default rendering


def do_run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_item=render_item,
        # SQLite cannot alter most of a table in place; batch mode recreates it instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    # Replicas that start together migrate one at a time (see app.core.database_locks).
    with held(connection, MIGRATIONS), context.begin_transaction():
        context.run_migrations()


async def run_migrations_online() -> None:
    # No pool: the migrations use one connection, closed at the end.
    engine = create_async_engine(database_url(), poolclass=NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(do_run_migrations)
    await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
