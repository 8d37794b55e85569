"""The Alembic migrations build exactly the tables the models describe."""

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from app.core.database import create_engine
from app.models import Base

SERVICE_DIR = Path(__file__).resolve().parents[1]

T = TypeVar("T")


def alembic_config(database_url: str) -> Config:
    config = Config(SERVICE_DIR / "alembic.ini")
    # "%" is an interpolation character in .ini values.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    # Keep pytest's logging as it is (env.py would load the .ini's logging setup).
    config.attributes["configure_logger"] = False
    return config


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
