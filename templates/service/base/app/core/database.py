"""The async SQLAlchemy engine, created once at startup (see `app.events.database`).

Its sessions: app.core.sessions.
"""

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine


def create_engine(database_url: str) -> AsyncEngine:
    # pool_pre_ping replaces connections the database closed while they sat in the pool.
    return _create_async_engine(database_url, pool_pre_ping=True)
