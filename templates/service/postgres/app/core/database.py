"""The async SQLAlchemy engine (PostgreSQL, through asyncpg), created once at startup (see
`app.events.database`).

Its sessions: app.core.sessions.
"""

from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

from app.core.lost_connections import handle_lost_connections

# Connections kept open by each process, and extra ones opened under load (closed again
# when returned). Every process of every replica has its own pool: keep
# processes x (POOL_SIZE + MAX_OVERFLOW) below the server's max_connections (100 by default).
POOL_SIZE = 5
MAX_OVERFLOW = 10
# How long a request waits for a free connection before failing.
POOL_TIMEOUT_SECONDS = 10
# Proxies and hosted servers (PgBouncer, cloud load balancers) often drop connections
# idle for longer than some minutes or hours: replace pooled connections before that.
POOL_RECYCLE_SECONDS = 1800
# Give up connecting after this long: a readiness check answers instead of hanging.
CONNECT_TIMEOUT_SECONDS = 5


def create_engine(database_url: str) -> AsyncEngine:
    engine = _create_async_engine(
        database_url,
        # No pool_pre_ping (a round trip on every request): lost connections are handled
        # as they are found, see app.core.lost_connections and the checkout check below.
        pool_size=POOL_SIZE,
        max_overflow=MAX_OVERFLOW,
        pool_timeout=POOL_TIMEOUT_SECONDS,
        pool_recycle=POOL_RECYCLE_SECONDS,
        connect_args={"timeout": CONNECT_TIMEOUT_SECONDS},
    )
    handle_lost_connections(engine)
    event.listen(engine.sync_engine, "checkout", _replace_closed_connection)
    return engine


def _replace_closed_connection(
    dbapi_connection: Any,
    connection_record: ConnectionPoolEntry,
    connection_proxy: PoolProxiedConnection,
) -> None:
    # asyncpg keeps reading its socket, so it notices when the server closes a connection
    # that sits in the pool (a restart, pg_terminate_backend). Such a connection is
    # replaced here, at no cost: the pool retries with a new one.
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("the server closed this pooled connection")
