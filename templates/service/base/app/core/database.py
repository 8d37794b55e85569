"""The async SQLAlchemy engine, created once at startup (see `app.events.database`).

Its sessions: app.core.sessions.
"""

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine


def create_engine(database_url: str) -> AsyncEngine:
    # No pool_pre_ping: a SQLite connection is a file this process opened, which no server
    # can close behind the pool's back, and testing it on every checkout would cost a
    # query per request for nothing.
    # No rollback by the pool as a connection goes back to it (pool_reset_on_return=None):
    # sessions end their transaction themselves, with a commit or, as they close, a
    # rollback, and the pool's own rollback after that would cost every request one more
    # round trip to the thread of the SQLite driver, for nothing.
    return _create_async_engine(database_url, pool_reset_on_return=None)
