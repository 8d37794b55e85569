"""The Alembic migrations build exactly the tables the models describe."""

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from app.core.database import create_engine
from app.core.migrations import alembic_config
from app.models import Base

T = TypeVar("T")


def differences(connection: Connection) -> list[Any]:
    return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


def table_names(connection: Connection) -> list[str]:
    return inspect(connection).get_table_names()


async def run_on(database_url: str, check: Callable[[Connection], T]) -> T:
    engine = create_engine(database_url)
    async with engine.connect() as connection:
        result = await connection.run_sync(check)
    await engine.dispose()
    return result


# Sync tests: Alembic's env.py starts its own event loop.
def test_upgrade_head_matches_the_models(empty_database_url: str) -> None:
    command.upgrade(alembic_config(empty_database_url), "head")

    assert asyncio.run(run_on(empty_database_url, differences)) == []


def test_downgrade_removes_every_table(empty_database_url: str) -> None:
    config = alembic_config(empty_database_url)
    command.upgrade(config, "head")

    command.downgrade(config, "base")

    assert asyncio.run(run_on(empty_database_url, table_names)) == ["alembic_version"]
