"""The async SQLAlchemy engine and the factory of sessions.

Both are created once at startup (see `app.events.database`) and stored on the
application; each request then gets its own session from the factory.
"""

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine


def create_engine(database_url: str) -> AsyncEngine:
    # No pool_pre_ping: a SQLite connection is a file this process opened, which no server
    # can close behind the pool's back, and testing it on every checkout would cost a
    # query per request for nothing.
    return _create_async_engine(database_url)


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False keeps loaded attributes readable after commit: with asyncio,
    # reloading them implicitly is not possible.
    return async_sessionmaker(engine, expire_on_commit=False)
