"""Checks that the database answers, and which migrations it has applied."""

import asyncio
import logging

from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

logger = logging.getLogger(__name__)

# A database that takes longer than this to answer `SELECT 1` is as good as down; the
# container health check (2 s) gets a 503 rather than no answer.
CHECK_TIMEOUT_SECONDS = 1.5


class HealthRepository:
    # Uses the engine rather than a request's session: a health check must not depend on
    # (or disturb) a transaction.
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def database_problem(self) -> str | None:
        """None when the database answers; otherwise what went wrong, in a few words."""
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
                async with self.engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
        except TimeoutError:
            logger.warning("The database did not answer within %s s", CHECK_TIMEOUT_SECONDS)
            return f"no answer within {CHECK_TIMEOUT_SECONDS} s"
        except (SQLAlchemyError, OSError) as error:
            # One line, no stack trace: probes ask every few seconds while the database is
            # down, and the cause is outside this service.
            logger.warning("The database did not answer the health check: %r", error)
            return error_kind(error)
        return None

    async def applied_revisions(self) -> frozenset[str] | None:
        """The revisions recorded in the database's `alembic_version` table (none when
        the migrations never ran there); None when the database did not answer."""
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
                async with self.engine.connect() as connection:
                    return await connection.run_sync(current_revisions)
        except (TimeoutError, SQLAlchemyError, OSError) as error:
            logger.warning("The database did not tell its schema version: %r", error)
            return None


def current_revisions(connection: Connection) -> frozenset[str]:
    return frozenset(MigrationContext.configure(connection).get_current_heads())


def error_kind(error: BaseException) -> str:
    """The class of the error (e.g. ConnectionRefusedError), not its message: the message
    may name hosts and accounts, and a health check's answer is public."""
    cause = error.orig if isinstance(error, DBAPIError) and error.orig else error
    # Drivers wrap the network error that made them fail: that one says most.
    root = cause
    while root.__cause__ is not None:
        root = root.__cause__
    return type(root if isinstance(root, OSError) else cause).__name__
