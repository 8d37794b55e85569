"""What the pool does with a connection given back to it (app.core.database): a
transaction left open is rolled back, a transaction committed or rolled back already
costs no rollback more."""

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.core.sessions import create_session_factory, transaction


@pytest.fixture
async def sessions(engine: AsyncEngine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a database with a table `probe`, its pool opened already."""
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE probe (id INTEGER)"))
    yield create_session_factory(engine)


@pytest.fixture
def rollbacks(
    sessions: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> list[AsyncAdapt_aiosqlite_connection]:
    """The connections rolled back from now on, once per rollback."""
    calls: list[AsyncAdapt_aiosqlite_connection] = []
    roll_back = AsyncAdapt_aiosqlite_connection.rollback

    def counted(connection: AsyncAdapt_aiosqlite_connection) -> None:
        calls.append(connection)
        roll_back(connection)

    monkeypatch.setattr(AsyncAdapt_aiosqlite_connection, "rollback", counted)
    return calls


async def rows(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with transaction(sessions) as session:
        return int((await session.execute(text("SELECT count(*) FROM probe"))).scalar_one())


async def test_a_committed_transaction_is_not_rolled_back_as_well(
    sessions: async_sessionmaker[AsyncSession], rollbacks: list[AsyncAdapt_aiosqlite_connection]
) -> None:
    async with transaction(sessions) as session:
        await session.execute(text("INSERT INTO probe VALUES (1)"))

    assert await rows(sessions) == 1
    assert rollbacks == []


async def test_a_failed_transaction_is_rolled_back_once(
    sessions: async_sessionmaker[AsyncSession], rollbacks: list[AsyncAdapt_aiosqlite_connection]
) -> None:
    with pytest.raises(LookupError):
        async with transaction(sessions) as session:
            await session.execute(text("INSERT INTO probe VALUES (1)"))
            raise LookupError

    assert len(rollbacks) == 1
    assert await rows(sessions) == 0


async def test_a_transaction_left_open_is_rolled_back_by_the_pool(
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    rollbacks: list[AsyncAdapt_aiosqlite_connection],
) -> None:
    # A transaction SQLAlchemy did not see begin: only the pool can end it.
    async with engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
        assert driver is not None
        await driver.execute("INSERT INTO probe VALUES (1)")
        assert driver.in_transaction

    assert len(rollbacks) == 1
    assert not driver.in_transaction
    assert await rows(sessions) == 0
