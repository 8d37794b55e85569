"""The async SQLAlchemy engine (MySQL or MariaDB, through aiomysql), created once at
startup (see `app.events.database`).

Its sessions: app.core.sessions.
"""

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine

from app.core.lost_connections import handle_lost_connections

# Connections kept open by each process, and extra ones opened under load (closed again
# when returned). Every process of every replica has its own pool: keep
# processes x (POOL_SIZE + MAX_OVERFLOW) below the server's max_connections (151 by default).
POOL_SIZE = 5
MAX_OVERFLOW = 10
# How long a request waits for a free connection before failing.
POOL_TIMEOUT_SECONDS = 10
# The server closes connections idle for longer than its wait_timeout (8 hours by default,
# often much less on hosted servers and behind proxies): replace pooled connections well
# before that.
POOL_RECYCLE_SECONDS = 1800
# Give up connecting after this long: a readiness check answers instead of hanging.
CONNECT_TIMEOUT_SECONDS = 5


def create_engine(database_url: str) -> AsyncEngine:
    engine = _create_async_engine(
        database_url,
        # No pool_pre_ping (a round trip on every request): lost connections are handled
        # as they are found, see app.core.lost_connections.
        pool_size=POOL_SIZE,
        max_overflow=MAX_OVERFLOW,
        pool_timeout=POOL_TIMEOUT_SECONDS,
        pool_recycle=POOL_RECYCLE_SECONDS,
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT_SECONDS,
            # Timestamps are stored in UTC (see app.models.base); the session's time zone
            # makes the server's own NOW() and CURRENT_TIMESTAMP agree with them.
            "init_command": "SET time_zone = '+00:00'",
        },
    )
    handle_lost_connections(engine)
    return engine
