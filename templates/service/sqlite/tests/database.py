"""The test database: a new SQLite file per test, deleted with the test's tmp_path.

Services on a database server have their own version of this module, with the same
fixtures.
"""

from pathlib import Path

import pytest


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def empty_database_url(database_url: str) -> str:
    """A database without any table (the migration tests): a new file is one already."""
    return database_url


@pytest.fixture
def unreachable_database_url(tmp_path: Path) -> str:
    """A database that cannot be opened: its directory does not exist."""
    return f"sqlite+aiosqlite:///{tmp_path / 'missing-directory' / 'test.db'}"
