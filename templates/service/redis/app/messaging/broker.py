"""The Redis side of the events: a stream per source, a consumer group per consumer.

Every service appends its events to the stream `<namespace>:events:<source>`; each
consumer reads each peer's stream in its own consumer group, which remembers what it has
read while the consumer service is down.
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Annotated, Any, Protocol

import redis.asyncio as redis
from faststream import AckPolicy, Context
from faststream.message import StreamMessage
from faststream.redis import RedisBroker, StreamSub, TestRedisBroker

# Seconds a ping waits for the broker before it counts as down.
TIMEOUT_SECONDS = 5.0
# Seconds between two tries of a message whose handling failed.
RETRY_PAUSE_SECONDS = 0.1
# Seconds after which an event left pending in its group (the service stopped while its
# handling failed, or died in the middle of it) is claimed and delivered again: after a
# restart, or to another replica. A handling still trying it may then meet a second one:
# the inbox handles an event once, whoever delivers it.
REDELIVERY_SECONDS = 60.0
# Milliseconds between two looks for such events when there is none.
CLAIM_POLLING_MS = 5000

Handler = Callable[[bytes], Awaitable[None]]
Broker = RedisBroker

# A broker on this machine with the image's defaults; the tests' in-memory broker needs one.
LOCAL_URL = "redis://127.0.0.1:6379/0"


def create_broker(url: str) -> RedisBroker:
    return RedisBroker(url, socket_timeout=TIMEOUT_SECONDS)


def _stream(namespace: str, source: str) -> str:
    return f"{namespace}:events:{source}"


async def declare(broker: RedisBroker, namespace: str) -> None:
    """Nothing to create: a stream is created by its first event."""


async def publish(
    broker: RedisBroker, namespace: str, source: str, event_type: str, body: bytes, event_id: str
) -> None:
    await broker.publish(
        body,
        stream=_stream(namespace, source),
        headers={
            "id": event_id,
            "type": event_type,
            "content-type": "application/cloudevents+json",
        },
    )


def subscribe(
    broker: RedisBroker, namespace: str, consumer: str, source: str, handler: Handler
) -> None:
    # The group is created at the stream's end on the consumer's first start (as a RabbitMQ
    # queue is): from then on it keeps every event, while the consumer is down too. New
    # events are read as they come; events left pending are claimed by a second reader.
    stream = _stream(namespace, source)
    name = f"{consumer}-1"
    readers = (
        StreamSub(stream, group=consumer, consumer=name),
        StreamSub(
            stream,
            group=consumer,
            consumer=name,
            min_idle_time=int(REDELIVERY_SECONDS * 1000),
            polling_interval=CLAIM_POLLING_MS,
        ),
    )
    for reader in readers:
        subscriber = broker.subscriber(stream=reader, ack_policy=AckPolicy.NACK_ON_ERROR)
        subscriber(_receive(subscriber, handler))


class _Subscriber(Protocol):
    running: bool


def _receive(
    subscriber: _Subscriber, handler: Handler
) -> Callable[[StreamMessage[Any]], Awaitable[None]]:
    async def receive(message: Annotated[StreamMessage[Any], Context()]) -> None:
        # A message whose handling failed (the database down) stays pending in the group:
        # it is tried again here until it is handled, the stream's later events waiting
        # meanwhile, in order. The handler pauses after each failure
        # (app.messaging.consumer); this pause is for one that does not. Once the service
        # stops, the message is left pending, for the claiming reader of the next start.
        while True:
            try:
                await handler(message.body)
            except Exception:
                if not subscriber.running:
                    raise
                await asyncio.sleep(RETRY_PAUSE_SECONDS)
            else:
                return

    return receive


async def ping(broker: RedisBroker) -> bool:
    return await broker.ping(timeout=TIMEOUT_SECONDS)


def in_memory(broker: RedisBroker) -> AbstractAsyncContextManager[RedisBroker]:
    """The broker with no server: what it publishes goes to its own subscribers (tests)."""
    return TestRedisBroker(broker)


async def forget(url: str, namespace: str, services: Sequence[str]) -> None:
    """Delete the streams of `namespace`, their groups with them (the end-to-end tests'
    cleanup)."""
    client = redis.from_url(url)
    try:
        for source in services:
            await client.delete(_stream(namespace, source))
    finally:
        await client.aclose()
