"""The NATS side of the events: JetStream, one stream, a durable consumer per peer.

Every service publishes to `<namespace>.events.<source>.<type>` in the stream
`<namespace>-events`, which keeps every event on disk; each consumer has a durable
consumer per peer, filtered on `<namespace>.events.<peer>.>`, which remembers where it is
while the consumer service is down.
"""

from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Annotated, Any

from faststream import AckPolicy, Context
from faststream.message import StreamMessage
from faststream.nats import ConsumerConfig, JStream, NatsBroker, PullSub, TestNatsBroker
from shared_schemas import CLOUDEVENTS_JSON

# Seconds a publish or a ping waits for the broker before it counts as down.
TIMEOUT_SECONDS = 5.0
# Seconds after which an event delivered and not acknowledged (the service stopped or died
# while handling it) is delivered again: longer than the longest pause after a failure
# (app.messaging.consumer), so that an event is not delivered twice while it waits.
REDELIVERY_SECONDS = 60.0

Handler = Callable[[bytes], Awaitable[None]]
Broker = NatsBroker

# A broker on this machine with the image's defaults; the tests' in-memory broker needs one.
LOCAL_URL = "nats://127.0.0.1:4222"


def create_broker(url: str) -> NatsBroker:
    return NatsBroker(url)


def _stream(namespace: str) -> JStream:
    # Stream names may not hold dots; subjects are dot-separated.
    return JStream(f"{namespace}-events", subjects=[f"{namespace}.events.>"])


async def declare(broker: NatsBroker, namespace: str) -> None:
    """Create the stream, so that events are kept before the first consumer starts."""
    stream = _stream(namespace)
    await broker.config.connection_state.stream.add_stream(
        name=stream.name, subjects=list(stream.subjects)
    )


async def publish(
    broker: NatsBroker, namespace: str, source: str, event_type: str, body: bytes, event_id: str
) -> None:
    await broker.publish(
        body,
        f"{namespace}.events.{source}.{event_type}",
        # JetStream deduplicates by this header: a relay that publishes again after a
        # crash does not store the event twice.
        headers={"Nats-Msg-Id": event_id, "content-type": CLOUDEVENTS_JSON},
        stream=_stream(namespace).name,
        timeout=TIMEOUT_SECONDS,
    )


def subscribe(
    broker: NatsBroker, namespace: str, consumer: str, source: str, handler: Handler
) -> None:
    @broker.subscriber(
        f"{namespace}.events.{source}.>",
        stream=_stream(namespace),
        durable=f"{consumer}-from-{source}",
        config=ConsumerConfig(ack_wait=REDELIVERY_SECONDS),
        # One event at a time: the next is fetched once this one is acknowledged, so none
        # waits fetched behind a failing one (its acknowledgement time running meanwhile).
        pull_sub=PullSub(batch_size=1, timeout=1.0),
        # An error (the database down) asks for the message again.
        ack_policy=AckPolicy.NACK_ON_ERROR,
    )
    async def receive(message: Annotated[StreamMessage[Any], Context()]) -> None:
        await handler(message.body)


async def ping(broker: NatsBroker) -> bool:
    return await broker.ping(timeout=TIMEOUT_SECONDS)


def in_memory(broker: NatsBroker) -> AbstractAsyncContextManager[NatsBroker]:
    """The broker with no server: what it publishes goes to its own subscribers (tests)."""
    return TestNatsBroker(broker)


async def forget(url: str, namespace: str, services: Sequence[str]) -> None:
    """Delete the stream of `namespace`, its consumers with it (the end-to-end tests' cleanup)."""
    broker = create_broker(url)
    await broker.start()
    try:
        await broker.config.connection_state.stream.delete_stream(_stream(namespace).name)
    finally:
        await broker.stop()
