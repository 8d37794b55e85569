"""The test database: a SQLite file per test, in one directory for the whole run.

Each test's file is a copy of one migrated once per run (tests/schema.py): copying a file
costs a small part of creating the tables and stamping the revision again for every test.
The files are numbered in the run's directory rather than each put in a temporary
directory of its own, which pytest would create (and later clean up) for every test.
Services on a database server have their own version of this module, with the same
fixtures.
"""

import itertools
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from app.core.database import create_engine
from tests.schema import create_schema


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="session")
def run_directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where this run's database files are: deleted with pytest's temporary directories."""
    return tmp_path_factory.mktemp("databases")


@pytest.fixture(scope="session")
def database_paths(run_directory: Path) -> Iterator[Path]:
    """New file names in the run's directory, one per `next`: `test-1.db`, `test-2.db`..."""
    return (run_directory / f"test-{number}.db" for number in itertools.count(1))


@pytest.fixture(scope="session")
async def migrated_database(run_directory: Path) -> AsyncIterator[Path]:
    """A database file with the tables of the models, all empty: what each test copies."""
    path = run_directory / "migrated.db"
    engine = create_engine(sqlite_url(path))
    async with engine.begin() as connection:
        await connection.run_sync(create_schema)
    await engine.dispose()
    yield path


@pytest.fixture
def database_url(database_paths: Iterator[Path], migrated_database: Path) -> Iterator[str]:
    """A database of the test's own, with the tables of the models, all empty."""
    path = next(database_paths)
    shutil.copyfile(migrated_database, path)
    yield sqlite_url(path)
    path.unlink(missing_ok=True)


@pytest.fixture
def empty_database_url(database_paths: Iterator[Path]) -> Iterator[str]:
    """A database without any table (the migration tests): a new file is one already."""
    path = next(database_paths)
    yield sqlite_url(path)
    path.unlink(missing_ok=True)


@pytest.fixture
def unreachable_database_url(run_directory: Path) -> str:
    """A database that cannot be opened: its directory does not exist."""
    return sqlite_url(run_directory / "missing-directory" / "test.db")
