"""An event whose handling fails is handled again until it succeeds, on the real broker,
after a restart too.

The in-memory broker of the other tests does not deliver anything twice: this test needs
the broker of TEST_BROKER_URL (its URL as the service takes it). Without it, or with a
broker of another kind, it is skipped, saying so; with REQUIRE_BROKER=1 it fails instead.
"""

import asyncio
import os
import uuid
from urllib.parse import urlsplit

import pytest

from app.messaging import broker as broker_client

BROKER_URL = os.environ.get("TEST_BROKER_URL", "")
# A failed handling waits for its next delivery; three of them take a few seconds at most.
TIMEOUT_SECONDS = 30.0


def broker_url() -> str:
    wanted = urlsplit(broker_client.LOCAL_URL).scheme
    if urlsplit(BROKER_URL).scheme == wanted:
        return BROKER_URL
    message = f"set TEST_BROKER_URL to a {wanted}:// broker to test redelivery"
    if os.environ.get("REQUIRE_BROKER", "").lower() not in {"", "0", "false", "no"}:
        pytest.fail(f"{message} (REQUIRE_BROKER is set)", pytrace=False)
    pytest.skip(message)


def consumer(url: str, namespace: str, handler: broker_client.Handler) -> broker_client.Broker:
    """A broker of the service "consumer", subscribed to the events of "producer"."""
    broker = broker_client.create_broker(url)
    broker_client.subscribe(broker, namespace, "consumer", "producer", handler)
    return broker


async def start_and_publish(broker: broker_client.Broker, namespace: str, body: bytes) -> None:
    await broker.start()
    await broker_client.declare(broker, namespace)
    await broker_client.publish(
        broker, namespace, "producer", "thing.created", body, str(uuid.uuid4())
    )


async def test_a_failed_handling_is_tried_again_until_it_succeeds() -> None:
    url = broker_url()
    namespace = f"test-{uuid.uuid4().hex[:12]}"
    bodies: list[bytes] = []
    handled = asyncio.Event()

    async def handle(body: bytes) -> None:
        bodies.append(body)
        if len(bodies) < 3:
            raise RuntimeError("the database is down")
        handled.set()

    broker = consumer(url, namespace, handle)
    try:
        await start_and_publish(broker, namespace, b'{"n": 1}')
        await asyncio.wait_for(handled.wait(), TIMEOUT_SECONDS)
    finally:
        await broker.stop()
        await broker_client.forget(url, namespace, ["consumer", "producer"])
    assert bodies == [b'{"n": 1}'] * 3


async def test_an_event_left_unhandled_at_a_stop_is_handled_after_the_next_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = broker_url()
    # An event left unhandled is delivered again after a minute on NATS and Redis (a RabbitMQ
    # connection gives it back as it closes): shortened.
    monkeypatch.setattr(broker_client, "REDELIVERY_SECONDS", 1.0, raising=False)
    monkeypatch.setattr(broker_client, "CLAIM_POLLING_MS", 100, raising=False)
    namespace = f"test-{uuid.uuid4().hex[:12]}"
    failed = asyncio.Event()
    handled: list[bytes] = []
    done = asyncio.Event()

    async def fail(body: bytes) -> None:
        failed.set()
        raise RuntimeError("the database is down")

    async def handle(body: bytes) -> None:
        handled.append(body)
        done.set()

    stopped = consumer(url, namespace, fail)
    restarted = consumer(url, namespace, handle)
    try:
        await start_and_publish(stopped, namespace, b'{"n": 2}')
        await asyncio.wait_for(failed.wait(), TIMEOUT_SECONDS)
        # The service stops while the event's handling fails: it is not lost.
        await stopped.stop()
        await restarted.start()
        await asyncio.wait_for(done.wait(), TIMEOUT_SECONDS)
    finally:
        await stopped.stop()
        await restarted.stop()
        await broker_client.forget(url, namespace, ["consumer", "producer"])
    assert handled == [b'{"n": 2}']
