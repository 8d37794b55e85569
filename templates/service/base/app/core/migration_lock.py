"""One migration run at a time per database: a lock held while Alembic upgrades it.

Every replica runs `alembic upgrade head` before it serves (an init container on
Kubernetes, the start command in docker compose), and the replicas of a rollout start
together. Under this lock they run one after the other: the first applies the
migrations, the others find nothing left to do. PostgreSQL: a session advisory lock;
MySQL and MariaDB: GET_LOCK. SQLite takes none: a SQLite service is a single process
(one replica), and the file is locked for each write anyway.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Connection

# Any fixed 64-bit number: advisory locks belong to one database, so every service can
# use the same key without meeting another's.
POSTGRES_LOCK_KEY = 4_181_902_611_578_372_467
# GET_LOCK names are shared by the whole server: the database's name tells services apart.
MYSQL_LOCK_NAME = "CONCAT('alembic:', DATABASE())"
# How long a replica waits for another's migrations before giving up (and restarting).
MYSQL_LOCK_TIMEOUT_SECONDS = 600


class MigrationLockTimeoutError(RuntimeError):
    """Another process held the migration lock for longer than the timeout."""


def acquire_migration_lock(connection: Connection) -> None:
    """Wait for the lock, then commit: the lock belongs to the session, not to this
    transaction, and Alembic starts (and commits) its own transaction."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": POSTGRES_LOCK_KEY})
    elif dialect in ("mysql", "mariadb"):
        acquired = connection.execute(
            text(f"SELECT GET_LOCK({MYSQL_LOCK_NAME}, :timeout)"),
            {"timeout": MYSQL_LOCK_TIMEOUT_SECONDS},
        ).scalar()
        if acquired != 1:
            raise MigrationLockTimeoutError(
                f"another process held the migration lock for {MYSQL_LOCK_TIMEOUT_SECONDS} s"
            )
    else:
        return
    connection.commit()


def release_migration_lock(connection: Connection) -> None:
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": POSTGRES_LOCK_KEY})
    elif dialect in ("mysql", "mariadb"):
        connection.execute(text(f"SELECT RELEASE_LOCK({MYSQL_LOCK_NAME})"))
    else:
        return
    connection.commit()


@contextmanager
def migration_lock(connection: Connection) -> Iterator[None]:
    """Hold the lock for the block. After an error it is not released here: closing the
    connection ends the session, and the lock with it."""
    acquire_migration_lock(connection)
    yield
    release_migration_lock(connection)
