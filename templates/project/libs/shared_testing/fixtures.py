"""The pytest plugin of the test databases on a server: fixtures built on the service's
`database_server` fixture (see shared_testing.database_server).

A service's tests/database.py loads it by name (`pytest_plugins`) and never imports it, so
that pytest is the first to import it.
"""

import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from shared_testing.database_server import (
    DatabaseServer,
    ServerUnavailable,
    as_string,
    skip_or_fail,
)


@dataclass(frozen=True)
class RunDatabase:
    url: str
    engine: AsyncEngine


@pytest.fixture(scope="session")
async def run_database(database_server: DatabaseServer) -> AsyncIterator[RunDatabase]:
    """The database of this test run, with the tables of the models, created once for
    every test; dropped at the end."""
    try:
        url = await database_server.create_database()
    except ServerUnavailable as error:
        skip_or_fail(str(error))
    engine = database_server.service.create_engine(as_string(url))
    try:
        async with engine.begin() as connection:
            await connection.run_sync(database_server.service.create_schema)
        yield RunDatabase(as_string(url), engine)
    finally:
        await engine.dispose()
        await database_server.drop_database(url.database or "")


@pytest.fixture
async def database_url(
    database_server: DatabaseServer, run_database: RunDatabase
) -> AsyncIterator[str]:
    """The run's database, whose tables are emptied after the test."""
    yield run_database.url
    metadata = database_server.service.metadata
    tables = [table.name for table in reversed(metadata.sorted_tables)]
    async with run_database.engine.begin() as connection:
        await database_server.empty_tables(connection, tables)


@pytest.fixture
async def empty_database_url(
    database_server: DatabaseServer, run_database: RunDatabase
) -> AsyncIterator[str]:
    """A database of its own for one test, without any table (the migration tests)."""
    url = await database_server.create_database()
    yield as_string(url)
    await database_server.drop_database(url.database or "")


@pytest.fixture
def unreachable_database_url(database_server: DatabaseServer) -> str:
    """A URL of this engine where nothing listens: a port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    url = URL.create(
        database_server.driver,
        username="nobody",
        password="nothing",
        host="127.0.0.1",
        port=port,
        database="nowhere",
    )
    return as_string(url)
