"""Fixtures shared by the tests of this service.

Every test starts on a database whose tables are empty (`database_url`, from
tests/database.py: a copy of a SQLite file migrated once per run, or a server database
whose tables are emptied after each test), so tests never see each other's rows.
"""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.core.database import create_engine
from app.core.sessions import create_session_factory
from app.core.settings import Settings
from tests.app_client import open_client
from tests.schema import create_schema

pytest_plugins = ["tests.database", "tests.app_options"]

TEST_SECRET_KEY = "test-secret-key-that-is-long-enough-for-hs256"


@pytest.fixture
def settings(database_url: str, settings_overrides: dict[str, Any]) -> Settings:
    # _env_file=None: the tests must not depend on the developer's .env.
    return Settings(
        _env_file=None,
        environment="test",
        database_url=database_url,
        secret_key=SecretStr(TEST_SECRET_KEY),
        **settings_overrides,
    )


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the test database, whose tables are created from the models."""
    engine = create_engine(database_url)
    async with engine.begin() as connection:
        await connection.run_sync(create_schema)
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async with create_session_factory(engine)() as session:
        yield session


@pytest.fixture
async def client(settings: Settings, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the application, on a database whose tables exist."""
    async with open_client(settings) as client:
        yield client
