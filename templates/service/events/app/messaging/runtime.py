"""The broker connection, the outbox relay and the subscriptions of one running service.

`start()` returns at once: connecting runs in the background and retries with a growing
pause, so the service starts (and answers /health/ready with the broker unavailable) while
the broker is down. `stop()` stops the relay after its current pass, then disconnects.
"""

import asyncio
import contextlib
import logging
from collections.abc import Iterable

from shared_schemas import CloudEvent
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.messaging import broker as broker_client
from app.messaging.consumer import event_handler
from app.messaging.relay import OutboxRelay, Publish
from app.messaging.subscriptions import subscriptions
from app.services.peer_events import PeerEventsService

logger = logging.getLogger(__name__)

MAX_CONNECT_BACKOFF_SECONDS = 10.0
# As the database's check: the container health check (2 s) gets a 503 rather than no answer.
PING_TIMEOUT_SECONDS = 1.5


def publisher(broker: broker_client.Broker, namespace: str) -> Publish:
    """Publishing an event as its CloudEvents JSON, under its source and type."""

    async def publish(event: CloudEvent) -> None:
        body = event.model_dump_json().encode()
        await broker_client.publish(broker, namespace, event.source, event.type, body, event.id)

    return publish


class Messaging:
    def __init__(
        self,
        broker_url: str,
        namespace: str,
        service_name: str,
        engine: AsyncEngine,
        session_factory: async_sessionmaker[AsyncSession],
        peers: Iterable[str] = (),
    ) -> None:
        self.namespace = namespace
        self.service_name = service_name
        self.broker = broker_client.create_broker(broker_url)
        self.relay = OutboxRelay(engine, publisher(self.broker, namespace), service_name)
        handlers = subscriptions()
        # Every peer's events: with the peer's handler, or, for a peer added later (its name
        # is in the `peers` setting), the one that records and logs them.
        for source in sorted(set(handlers) | set(peers)):
            on_event = handlers.get(source, PeerEventsService.on_new_peer_event)
            # Its pauses after a failure end when the service stops (the relay's wait).
            handler = event_handler(session_factory, on_event, pause=self.relay.wait)
            broker_client.subscribe(self.broker, namespace, service_name, source, handler)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="messaging")

    async def _run(self) -> None:
        delay = 1.0
        while True:
            try:
                await self.broker.start()
                await broker_client.declare(self.broker, self.namespace)
                break
            except Exception as error:
                logger.warning("The broker is unreachable (%r); next try in %.0f s", error, delay)
                await self.relay.wait(delay)
                if self.relay.stopping:
                    return
                delay = min(delay * 2, MAX_CONNECT_BACKOFF_SECONDS)
        logger.info("Connected to the broker")
        await self.relay.run()

    async def stop(self) -> None:
        self.relay.stop()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.broker.stop()

    async def broker_problem(self) -> str | None:
        """None when the broker answers; otherwise what is wrong, in a few words."""
        try:
            async with asyncio.timeout(PING_TIMEOUT_SECONDS):
                if await broker_client.ping(self.broker):
                    return None
        except TimeoutError:
            return f"no answer within {PING_TIMEOUT_SECONDS} s"
        except Exception as error:
            return type(error).__name__
        return "no answer"
