"""Connections the server closed while they sat in the pool (a restart, a failover, an
administrator): the service recovers by itself, at the cost of at most one failed
statement, and that failure is one the handlers answer with 503. No connection is tested
before use (see app.core.lost_connections)."""

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.database import create_engine
from app.exceptions.database import DATABASE_UNAVAILABLE_ERRORS

# Per engine: the id of the connection running the statement, how another connection
# closes it, and whether it is still open.
OWN_ID = {"postgresql": "SELECT pg_backend_pid()", "mysql": "SELECT CONNECTION_ID()"}
CLOSE = {"postgresql": "SELECT pg_terminate_backend({})", "mysql": "KILL {}"}
IS_OPEN = {
    "postgresql": "SELECT count(*) FROM pg_stat_activity WHERE pid = {}",
    "mysql": "SELECT count(*) FROM information_schema.processlist WHERE id = {}",
}
POOLED = 3


async def fill_pool(engine: AsyncEngine) -> list[int]:
    """Open POOLED connections at once and give them back to the pool; their ids."""
    ready = asyncio.Barrier(POOLED)

    async def use_one() -> int:
        async with engine.connect() as connection:
            await ready.wait()  # all checked out together: POOLED different connections
            return int((await connection.execute(text(OWN_ID[backend(engine)]))).scalar_one())

    return list(await asyncio.gather(*(use_one() for _ in range(POOLED))))


async def close_on_the_server(admin: AsyncEngine, ids: list[int]) -> None:
    name = backend(admin)
    async with admin.connect() as connection:
        for connection_id in ids:
            await connection.execute(text(CLOSE[name].format(connection_id)))
        for connection_id in ids:
            for _ in range(200):
                query = text(IS_OPEN[name].format(connection_id))
                still_open = (await connection.execute(query)).scalar_one()
                # A new transaction for each look: PostgreSQL shows pg_stat_activity as it
                # was at its first read in a transaction.
                await connection.commit()
                if still_open == 0:
                    break
                await asyncio.sleep(0.05)
            else:
                pytest.fail(f"connection {connection_id} is still open")


def backend(engine: AsyncEngine) -> str:
    return "postgresql" if engine.dialect.name == "postgresql" else "mysql"


async def test_a_pool_of_closed_connections_costs_at_most_one_failed_statement(
    database_url: str,
) -> None:
    engine, admin = create_engine(database_url), create_engine(database_url)
    try:
        ids = await fill_pool(engine)
        assert len(set(ids)) == POOLED
        await close_on_the_server(admin, ids)
        # Let the driver read the server's goodbye on each pooled socket: asyncpg, caught
        # between reading the error and seeing the socket close, refuses the next statement
        # with an internal error instead of a lost connection.
        await asyncio.sleep(1)

        outcomes: list[str] = []
        for _ in range(POOLED + 1):
            try:
                async with engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
                outcomes.append("ok")
            except DATABASE_UNAVAILABLE_ERRORS:
                outcomes.append("unavailable")

        # The first statement may find a dead connection (a 503 for its request); it
        # discards the whole pool, so every later one gets a new connection.
        assert outcomes[1:] == ["ok"] * POOLED, outcomes
        assert outcomes[0] in {"ok", "unavailable"}
    finally:
        await engine.dispose()
        await admin.dispose()
