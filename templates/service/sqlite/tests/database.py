"""The test database: a SQLite file per test, deleted with the test's tmp_path.

Each test's file is a copy of one migrated once per run (tests/schema.py): copying a file
costs a small part of creating the tables and stamping the revision again for every test.
Services on a database server have their own version of this module, with the same
fixtures.
"""

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.core.database import create_engine
from tests.schema import create_schema


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="session")
async def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Path]:
    """A database file with the tables of the models, all empty: what each test copies."""
    path = tmp_path_factory.mktemp("migrated") / "test.db"
    engine = create_engine(sqlite_url(path))
    async with engine.begin() as connection:
        await connection.run_sync(create_schema)
    await engine.dispose()
    yield path


@pytest.fixture
def database_url(tmp_path: Path, migrated_database: Path) -> str:
    """A database of the test's own, with the tables of the models, all empty."""
    path = tmp_path / "test.db"
    shutil.copyfile(migrated_database, path)
    return sqlite_url(path)


@pytest.fixture
def empty_database_url(tmp_path: Path) -> str:
    """A database without any table (the migration tests): a new file is one already."""
    return sqlite_url(tmp_path / "empty.db")


@pytest.fixture
def unreachable_database_url(tmp_path: Path) -> str:
    """A database that cannot be opened: its directory does not exist."""
    return sqlite_url(tmp_path / "missing-directory" / "test.db")
