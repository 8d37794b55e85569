"""The async SQLAlchemy engine, created once at startup (see `app.events.database`).

Its sessions: app.core.sessions.
"""

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine


def create_engine(database_url: str) -> AsyncEngine:
    # No pool_pre_ping: a SQLite connection is a file this process opened, which no server
    # can close behind the pool's back, and testing it on every checkout would cost a
    # query per request for nothing.
    return _create_async_engine(database_url)
