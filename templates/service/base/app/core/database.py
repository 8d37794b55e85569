"""The async SQLAlchemy engine, created once at startup (see `app.events.database`).

Its sessions: app.core.sessions.
"""

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry, PoolResetState


def create_engine(database_url: str) -> AsyncEngine:
    engine = _create_async_engine(
        database_url,
        # No pool_pre_ping: a SQLite connection is a file this process opened, which no
        # server can close behind the pool's back, and testing it on every checkout would
        # cost a query per request for nothing.
        # No unconditional rollback of every connection given back to the pool either:
        # `roll_back_open_transaction` rolls back the ones that need it.
        pool_reset_on_return=None,
    )
    event.listen(engine.sync_engine, "reset", roll_back_open_transaction)
    return engine


def roll_back_open_transaction(
    dbapi_connection: Any,
    connection_record: ConnectionPoolEntry,
    reset_state: PoolResetState,
) -> None:
    """Roll back the transaction a connection given back to the pool still has open.

    The pool's own reset rolls back every connection, even one whose transaction was just
    committed, as every successful request's is (app.core.sessions): with aiosqlite, which
    runs each connection on a thread of its own, a trip to that thread and back on every
    request, for about a tenth of the CPU a GET costs. SQLite knows for certain whether a
    transaction is open, so only a connection that has one is rolled back.
    """
    # As the pool does: nothing to do when the transaction was rolled back already, and
    # nothing can be done without the event loop (a connection being garbage collected).
    if reset_state.transaction_was_reset or not reset_state.asyncio_safe:
        return
    if dbapi_connection.driver_connection.in_transaction:
        dbapi_connection.rollback()
