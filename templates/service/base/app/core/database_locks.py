"""Locks the processes sharing one database take in turn.

The replicas of a service run side by side, and some work must be done by one of them at a
time: applying the migrations (every replica runs `alembic upgrade head` before it serves,
and the replicas of a rollout start together), and, with events, publishing the outbox.
PostgreSQL: session advisory locks; MySQL and MariaDB: GET_LOCK. SQLite takes none: a
SQLite service is a single process (one replica), and the file is locked for each write
anyway.

A lock belongs to the connection's database session, not to a transaction: it is held
across the transactions run on that connection, until released or the connection closes.
"""

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


@dataclass(frozen=True)
class DatabaseLock:
    # GET_LOCK names are shared by the whole server: `<name>:<database>` tells services apart.
    name: str
    # Any fixed 64-bit number: advisory locks belong to one database, so every service can
    # use the same key without meeting another's.
    postgres_key: int


MIGRATIONS = DatabaseLock("alembic", 4_181_902_611_578_372_467)
# How long a replica waits for another's migrations before giving up (and restarting).
MYSQL_WAIT_SECONDS = 600


class LockTimeoutError(RuntimeError):
    """Another process held the lock for longer than the wait."""


def acquire(connection: Connection, lock: DatabaseLock, *, wait: bool = True) -> bool:
    """Take `lock`, waiting for another process to release it, or with `wait=False` give up
    at once (False). Then commit: the lock outlives this transaction, and whoever uses the
    connection next starts a transaction of its own."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        function = "pg_advisory_lock" if wait else "pg_try_advisory_lock"
        # pg_advisory_lock returns nothing once it has the lock; the try returns a boolean.
        result = connection.execute(text(f"SELECT {function}(:key)"), {"key": lock.postgres_key})
        acquired = result.scalar() is not False
    elif dialect in ("mysql", "mariadb"):
        timeout = MYSQL_WAIT_SECONDS if wait else 0
        result = connection.execute(
            text("SELECT GET_LOCK(CONCAT(:name, ':', DATABASE()), :timeout)"),
            {"name": lock.name, "timeout": timeout},
        )
        acquired = result.scalar() == 1
        if wait and not acquired:
            raise LockTimeoutError(f"another process held the {lock.name} lock for {timeout} s")
    else:
        return True
    connection.commit()
    return acquired


def release(connection: Connection, lock: DatabaseLock) -> None:
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": lock.postgres_key})
    elif dialect in ("mysql", "mariadb"):
        connection.execute(
            text("SELECT RELEASE_LOCK(CONCAT(:name, ':', DATABASE()))"), {"name": lock.name}
        )
    else:
        return
    connection.commit()


@contextmanager
def held(connection: Connection, lock: DatabaseLock) -> Iterator[None]:
    """Hold `lock` for the block, once the process holding it has released it. After an
    error it is not released here: closing the connection ends the session, and the lock
    with it."""
    acquire(connection, lock)
    yield
    release(connection, lock)


@asynccontextmanager
async def held_if_free(
    engine: AsyncEngine, lock: DatabaseLock
) -> AsyncIterator[AsyncConnection | None]:
    """A connection of `engine` that holds `lock` for the block, or None when another
    process holds it now (it is not waited for). Work done on the connection is done under
    the lock; the lock is released after the work's commit, so whoever takes it next sees
    what was committed."""
    async with engine.connect() as connection:
        if not await connection.run_sync(acquire, lock, wait=False):
            yield None
            return
        try:
            yield connection
        finally:
            await connection.run_sync(release, lock)
