"""The outbox relay: publishes the events the service recorded, in order, after their commit.

It runs while the service runs: every `poll_seconds` it publishes the pending rows of the
outbox, oldest first, and marks them sent. While the broker (or the database) is down it
waits longer and longer between tries, up to `max_backoff_seconds`, and loses nothing: a row
is marked sent only after the broker confirmed it. A crash between the two publishes the
event again on the next run (at least once): consumers deduplicate with their inbox.

With several replicas of the service, one relay at a time publishes (a database lock, see
app.core.database_locks): the others skip their pass while it holds the lock, so each event
goes out once, and in the order it was recorded.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from shared_schemas import CloudEvent
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.core.database_locks import DatabaseLock, held_if_free
from app.core.sessions import create_session_factory, transaction
from app.repository import OutboxRepository, PendingEvent

logger = logging.getLogger(__name__)

Publish = Callable[[CloudEvent], Awaitable[None]]

OUTBOX_RELAY = DatabaseLock("outbox-relay", 5_307_163_912_887_345_041)


class OutboxRelay:
    def __init__(
        self,
        engine: AsyncEngine,
        publish: Publish,
        source: str,
        *,
        batch_size: int = 100,
        poll_seconds: float = 0.5,
        max_backoff_seconds: float = 10.0,
    ) -> None:
        self.engine = engine
        self.publish = publish
        self.source = source
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self._stopping = asyncio.Event()

    def envelope(self, event: PendingEvent) -> CloudEvent:
        return CloudEvent(
            id=event.event_id,
            source=self.source,
            type=event.type,
            time=event.time,
            data=event.data,
        )

    async def publish_pending(self) -> int:
        """Publish the pending events once, in order; the number published (0 when another
        replica is publishing). The first failure stops the pass: what was published before
        it is marked sent, then the error is raised."""
        async with held_if_free(self.engine, OUTBOX_RELAY) as connection:
            return 0 if connection is None else await self._publish_pending(connection)

    async def _publish_pending(self, connection: AsyncConnection) -> int:
        failure: Exception | None = None
        sent: list[int] = []
        async with transaction(create_session_factory(connection)) as session:
            outbox = OutboxRepository(session)
            for event in await outbox.pending(self.batch_size):
                try:
                    await self.publish(self.envelope(event))
                except Exception as error:  # the broker is down, or refused the event
                    failure = error
                    break
                sent.append(event.row_id)
            await outbox.mark_sent(sent)
        if failure is not None:
            raise failure
        return len(sent)

    async def run(self) -> None:
        """Publish until `stop()`; never raises."""
        delay = self.poll_seconds
        while not self._stopping.is_set():
            try:
                published = await self.publish_pending()
            except Exception as error:
                delay = min(max(delay * 2, 1.0), self.max_backoff_seconds)
                logger.warning("Events not published (%r); next try in %.1f s", error, delay)
            else:
                # A full batch: more are waiting, go on at once.
                delay = 0.0 if published == self.batch_size else self.poll_seconds
            await self.wait(delay)

    async def wait(self, seconds: float) -> None:
        """Sleep `seconds`, or less when stopped meanwhile."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    def stop(self) -> None:
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()
