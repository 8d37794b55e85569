"""The RabbitMQ side of the events: a topic exchange, a durable queue per consumer.

Every service publishes to the project's exchange `<namespace>.events` with the routing key
`<source>.<type>`; each consumer has its own durable queue per peer, bound to `<peer>.#`,
which keeps the peer's events while the consumer is down.
"""

from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Annotated, Any

from faststream import AckPolicy, Context
from faststream.message import StreamMessage
from faststream.rabbit import (
    ExchangeType,
    RabbitBroker,
    RabbitExchange,
    RabbitQueue,
    TestRabbitBroker,
)
from shared_schemas import CLOUDEVENTS_JSON

# Seconds a publish or a ping waits for the broker before it counts as down.
TIMEOUT_SECONDS = 5.0

Handler = Callable[[bytes], Awaitable[None]]
Broker = RabbitBroker

# A broker on this machine with the image's defaults; the tests' in-memory broker needs one.
LOCAL_URL = "amqp://guest:guest@127.0.0.1:5672/"


def create_broker(url: str) -> RabbitBroker:
    # Publisher confirms are on (FastStream's default channel): a publish returns once the
    # broker has the message.
    return RabbitBroker(url)


def _exchange(namespace: str) -> RabbitExchange:
    return RabbitExchange(f"{namespace}.events", type=ExchangeType.TOPIC, durable=True)


async def declare(broker: RabbitBroker, namespace: str) -> None:
    """Create what publishing needs: the exchange (queues are the consumers')."""
    await broker.declare_exchange(_exchange(namespace))


async def publish(
    broker: RabbitBroker, namespace: str, source: str, event_type: str, body: bytes, event_id: str
) -> None:
    await broker.publish(
        body,
        exchange=_exchange(namespace),
        routing_key=f"{source}.{event_type}",
        message_id=event_id,
        content_type=CLOUDEVENTS_JSON,
        persist=True,
        # Unroutable (no consumer queue bound yet) is not an error: nobody listens yet.
        mandatory=False,
        timeout=TIMEOUT_SECONDS,
    )


def subscribe(
    broker: RabbitBroker, namespace: str, consumer: str, source: str, handler: Handler
) -> None:
    queue = RabbitQueue(
        f"{namespace}.{consumer}.from.{source}", durable=True, routing_key=f"{source}.#"
    )

    # An error (the database down) puts the message back for another try.
    @broker.subscriber(queue, _exchange(namespace), ack_policy=AckPolicy.NACK_ON_ERROR)
    async def receive(message: Annotated[StreamMessage[Any], Context()]) -> None:
        await handler(message.body)


async def ping(broker: RabbitBroker) -> bool:
    return await broker.ping(timeout=TIMEOUT_SECONDS)


def in_memory(broker: RabbitBroker) -> AbstractAsyncContextManager[RabbitBroker]:
    """The broker with no server: what it publishes goes to its own subscribers (tests)."""
    return TestRabbitBroker(broker)


async def forget(url: str, namespace: str, services: Sequence[str]) -> None:
    """Delete the exchange and queues of `namespace` (the end-to-end tests' cleanup)."""
    broker = create_broker(url)
    await broker.start()
    try:
        for consumer in services:
            for source in services:
                if source != consumer:
                    name = f"{namespace}.{consumer}.from.{source}"
                    queue = await broker.declare_queue(RabbitQueue(name, durable=True))
                    await queue.delete(if_unused=False, if_empty=False)
        await (await broker.declare_exchange(_exchange(namespace))).delete(if_unused=False)
    finally:
        await broker.stop()
