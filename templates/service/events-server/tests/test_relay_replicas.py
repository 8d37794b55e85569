"""Of several replicas of a service, one relay at a time publishes the outbox: it holds a
lock on the database for its pass (app/core/database_locks.py). A service on SQLite runs as
one replica, so these tests come with a database server."""

import asyncio

import pytest
from shared_schemas import CloudEvent
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.core.sessions import create_session_factory
from app.messaging.relay import OutboxRelay
from tests.test_relay import SOURCE, record, unsent


@pytest.fixture
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(engine)


async def test_of_two_replicas_one_publishes_while_the_other_skips_its_pass(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    ids = await record(session_factory, 3)
    published: list[str] = []
    publishing = asyncio.Event()
    go_on = asyncio.Event()

    async def slow_publish(event: CloudEvent) -> None:
        publishing.set()
        await go_on.wait()
        published.append(event.id)

    async def publish(event: CloudEvent) -> None:
        published.append(event.id)

    first = OutboxRelay(engine, slow_publish, SOURCE)
    second = OutboxRelay(engine, publish, SOURCE)
    first_pass = asyncio.create_task(first.publish_pending())
    await publishing.wait()
    # The first holds the lock in the middle of its pass: the second does not wait for it.
    assert await second.publish_pending() == 0
    go_on.set()
    assert await first_pass == 3
    # Once the first's pass committed, the second finds nothing left to send.
    assert await second.publish_pending() == 0
    assert published == ids
    assert await unsent(session_factory) == []


async def test_a_failed_pass_lets_another_replica_publish(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    ids = await record(session_factory, 2)
    published: list[str] = []

    async def broker_down(event: CloudEvent) -> None:
        raise ConnectionError("the broker is down")

    async def publish(event: CloudEvent) -> None:
        published.append(event.id)

    with pytest.raises(ConnectionError):
        await OutboxRelay(engine, broker_down, SOURCE).publish_pending()
    # The failed pass released the lock: the other replica publishes everything.
    assert await OutboxRelay(engine, publish, SOURCE).publish_pending() == 2
    assert published == ids
