"""Fixtures shared by the tests of this service.

Every test starts on a database whose tables exist and are empty (`database_url`, from
tests/database.py: a copy of a SQLite file migrated once per run, or a server database
migrated once per run whose tables are emptied after each test), so tests never see each
other's rows.
"""

import gc
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

pytest_plugins = ["tests.database", "tests.app_options"]

TEST_SECRET_KEY = "test-secret-key-that-is-long-enough-for-hs256"


def pytest_collection_finish(session: pytest.Session) -> None:
    """Freeze what collection created (modules, test items): it lives as long as the run,
    and the garbage collector would otherwise scan it again on each of its passes."""
    gc.freeze()


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
    """An engine on the test database (its tables exist already: see `database_url`)."""
    engine = create_engine(database_url)
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
