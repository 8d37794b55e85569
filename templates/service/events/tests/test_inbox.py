"""Events of other services: each handled once, malformed messages survived."""

import logging
from datetime import UTC, datetime

import pytest
from shared_schemas import CloudEvent
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.core.sessions import create_session_factory
from app.messaging import broker as broker_client
from app.messaging.consumer import Failures, event_handler, retry_pause
from app.models import InboxMessage
from app.services.peer_events import PeerEventsService

NAMESPACE = "tests"
PEER = "a-peer"


@pytest.fixture
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(engine)


def an_event(event_id: str = "event-1") -> CloudEvent:
    return CloudEvent(
        id=event_id, source=PEER, type="thing.created", time=datetime.now(UTC), data={"id": 1}
    )


async def inbox_count(factory: async_sessionmaker[AsyncSession]) -> int:
    async with factory() as session:
        return await session.scalar(select(func.count()).select_from(InboxMessage)) or 0


async def test_a_redelivered_event_is_handled_once(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    effects: list[str] = []

    async def on_event(service: PeerEventsService, event: CloudEvent) -> bool:
        if not await service.first_delivery(event):
            return False
        effects.append(event.id)
        return True

    broker = broker_client.create_broker(broker_client.LOCAL_URL)
    handler = event_handler(session_factory, on_event)
    broker_client.subscribe(broker, NAMESPACE, "this-service", PEER, handler)
    async with broker_client.in_memory(broker) as connected:
        for event in [an_event("event-1"), an_event("event-1"), an_event("event-2")]:
            body = event.model_dump_json().encode()
            await broker_client.publish(connected, NAMESPACE, PEER, event.type, body, event.id)

    assert effects == ["event-1", "event-2"]
    assert await inbox_count(session_factory) == 2


@pytest.mark.parametrize(
    "body",
    [
        b"\xff\xfe not even text",
        b"{not json",
        b"[]",
        b'{"id": "x", "source": "a-peer", "type": "thing.created"}',
        b'{"id": "", "source": "a-peer", "type": "t", "time": "2024-01-01T00:00:00Z", "data": {}}',
    ],
    ids=["binary", "broken-json", "not-an-object", "missing-fields", "empty-id"],
)
async def test_a_malformed_message_is_logged_and_dropped(
    session_factory: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
    body: bytes,
) -> None:
    handler = event_handler(session_factory, PeerEventsService.first_delivery)

    with caplog.at_level(logging.ERROR, logger="app.messaging.consumer"):
        await handler(body)

    assert "not a valid event" in caplog.text
    assert await inbox_count(session_factory) == 0


async def test_a_failed_effect_leaves_the_event_unhandled_for_its_redelivery(
    session_factory: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.messaging.consumer.RETRY_PAUSE_SECONDS", 0)
    failing = True

    async def on_event(service: PeerEventsService, event: CloudEvent) -> bool:
        handled = await service.first_delivery(event)
        if failing:
            raise RuntimeError("the effect failed")
        return handled

    handler = event_handler(session_factory, on_event)
    body = an_event().model_dump_json().encode()
    with pytest.raises(RuntimeError):
        await handler(body)
    assert await inbox_count(session_factory) == 0

    failing = False
    await handler(body)
    assert await inbox_count(session_factory) == 1


def test_the_pause_after_a_failure_doubles_up_to_its_limit() -> None:
    assert [retry_pause(failures) for failures in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]
    assert retry_pause(10_000) == 30


def test_failures_are_counted_per_event_and_forgotten_once_it_is_handled() -> None:
    failures = Failures()
    assert [failures.add("a"), failures.add("a"), failures.add("b"), failures.add("a")] == [
        1,
        2,
        1,
        3,
    ]
    failures.forget("a")
    assert failures.add("a") == 1
    assert failures.add("b") == 2


async def test_an_event_failing_again_waits_longer_each_time(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    pauses: list[float] = []

    async def pause(seconds: float) -> None:
        pauses.append(seconds)

    failing = True

    async def on_event(service: PeerEventsService, event: CloudEvent) -> bool:
        if failing:
            raise RuntimeError("the effect failed")
        return await service.first_delivery(event)

    handler = event_handler(session_factory, on_event, pause)
    body = an_event().model_dump_json().encode()
    other = an_event("event-2").model_dump_json().encode()
    for delivery in (body, body, other, body):
        with pytest.raises(RuntimeError):
            await handler(delivery)
    assert pauses == [1, 2, 1, 4]

    failing = False
    await handler(body)
    failing = True
    with pytest.raises(RuntimeError):
        await handler(body)
    # Handled, the event's count started again.
    assert pauses[-1] == 1
