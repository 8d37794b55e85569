"""Checks that the database answers."""

import logging

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

logger = logging.getLogger(__name__)


class HealthRepository:
    # Uses the engine rather than a request's session: a health check must not depend on
    # (or disturb) a transaction.
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def database_is_available(self) -> bool:
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError):
            logger.warning("The database did not answer the health check", exc_info=True)
            return False
        return True
