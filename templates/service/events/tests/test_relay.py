"""The relay publishes the outbox in order, marks it sent, and keeps what it could not send.
(Of several replicas, one at a time publishes: test_relay_replicas.py, on a database server.)"""

import asyncio

import pytest
from shared_schemas import CloudEvent
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.core.sessions import create_session_factory, transaction
from app.messaging import broker as broker_client
from app.messaging.relay import OutboxRelay
from app.messaging.runtime import publisher
from app.models import OutboxMessage
from app.repository import OutboxRepository

NAMESPACE = "tests"
SOURCE = "this-service"


@pytest.fixture
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(engine)


async def record(factory: async_sessionmaker[AsyncSession], count: int) -> list[str]:
    async with transaction(factory) as session:
        outbox = OutboxRepository(session)
        return [await outbox.record("thing.created", {"n": n}) for n in range(count)]


async def unsent(factory: async_sessionmaker[AsyncSession]) -> list[str]:
    async with factory() as session:
        query = select(OutboxMessage.event_id).where(OutboxMessage.sent_at.is_(None))
        return list((await session.scalars(query.order_by(OutboxMessage.id))).all())


async def test_publishes_pending_events_in_order_through_the_broker(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    ids = await record(session_factory, 5)
    received: list[CloudEvent] = []

    async def capture(body: bytes) -> None:
        received.append(CloudEvent.model_validate_json(body))

    broker = broker_client.create_broker(broker_client.LOCAL_URL)
    broker_client.subscribe(broker, NAMESPACE, "observer", SOURCE, capture)
    async with broker_client.in_memory(broker) as connected:
        relay = OutboxRelay(engine, publisher(connected, NAMESPACE), SOURCE)
        assert await relay.publish_pending() == 5
        # Sent events are not sent again.
        assert await relay.publish_pending() == 0

    assert [event.id for event in received] == ids
    assert {(event.source, event.type) for event in received} == {(SOURCE, "thing.created")}
    assert [event.data for event in received] == [{"n": n} for n in range(5)]
    assert await unsent(session_factory) == []


async def test_a_failed_publish_keeps_the_rest_for_the_next_pass(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    ids = await record(session_factory, 3)
    published: list[str] = []
    broker_up = False

    async def publish(event: CloudEvent) -> None:
        if not broker_up and published:
            raise ConnectionError("the broker is down")
        published.append(event.id)

    relay = OutboxRelay(engine, publish, SOURCE)
    with pytest.raises(ConnectionError):
        await relay.publish_pending()
    assert await unsent(session_factory) == ids[1:]

    broker_up = True
    assert await relay.publish_pending() == 2
    assert published == ids
    assert await unsent(session_factory) == []


async def test_run_retries_while_the_broker_is_down_and_stops_when_asked(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    ids = await record(session_factory, 2)
    attempts = 0
    done = asyncio.Event()
    published: list[str] = []

    async def publish(event: CloudEvent) -> None:
        nonlocal attempts
        attempts += 1
        if attempts <= 2:
            raise ConnectionError("the broker is down")
        published.append(event.id)
        if len(published) == len(ids):
            done.set()

    relay = OutboxRelay(engine, publish, SOURCE, poll_seconds=0.01, max_backoff_seconds=0.01)
    running = asyncio.create_task(relay.run())
    await done.wait()
    relay.stop()
    await running

    assert published == ids
    assert await unsent(session_factory) == []
