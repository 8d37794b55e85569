"""Receiving the events of the other services: validate, then handle in one transaction.

A message that is not a valid CloudEvent is logged and acknowledged: retrying it would
fail the same way forever. A valid event whose handling fails (the database down) is
raised to the broker, which delivers it again, after a pause that grows with each failure
of that event: a short outage is over in a second, and an event that fails whatever
happens (a bug in its handler) is tried every half a minute, not in a loop.
"""

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from pydantic import ValidationError
from shared_schemas import CloudEvent
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.sessions import transaction
from app.repository import InboxRepository
from app.services.peer_events import PeerEventsService

logger = logging.getLogger(__name__)

# How the handler of one peer's events is called: a method of PeerEventsService.
OnEvent = Callable[[PeerEventsService, CloudEvent], Awaitable[bool]]
Handler = Callable[[bytes], Awaitable[None]]

# Seconds to wait before giving a failed event back to the broker, which would otherwise
# deliver it again at once, as fast as it fails: doubled at each failure of the event.
RETRY_PAUSE_SECONDS = 1.0
MAX_RETRY_PAUSE_SECONDS = 30.0
# Failures counted per event id, for so many events at most (the oldest are forgotten).
TRACKED_FAILURES = 1000


class Failures:
    """How many times each event has failed, while it keeps failing."""

    def __init__(self) -> None:
        self._counts: OrderedDict[str, int] = OrderedDict()

    def add(self, event_id: str) -> int:
        """Count a failure of `event_id`; its number (1 for the first)."""
        count = self._counts.pop(event_id, 0) + 1
        self._counts[event_id] = count
        if len(self._counts) > TRACKED_FAILURES:
            self._counts.popitem(last=False)
        return count

    def forget(self, event_id: str) -> None:
        self._counts.pop(event_id, None)


def retry_pause(failures: int) -> float:
    """Seconds to wait after the `failures`-th failure of an event: 1, 2, 4... up to 30."""
    return min(RETRY_PAUSE_SECONDS * 2.0 ** min(failures - 1, 16), MAX_RETRY_PAUSE_SECONDS)


def parse_event(body: bytes) -> CloudEvent | None:
    """The event in `body`, or None (logged) when it is not a valid one."""
    try:
        return CloudEvent.model_validate_json(body)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(map(str, problem['loc'])) or 'body'}: {problem['msg']}"
            for problem in error.errors(include_input=False)[:3]
        )
        logger.error(
            "Dropped a message that is not a valid event (%d bytes): %s", len(body), problems
        )
        return None


def event_handler(
    session_factory: async_sessionmaker[AsyncSession],
    on_event: OnEvent,
    pause: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> Handler:
    """The handler of one peer's messages. `pause` waits after a failure: the service's
    returns early once it stops, so that a long pause does not hold the shutdown."""
    failures = Failures()

    async def handle(body: bytes) -> None:
        event = parse_event(body)
        if event is None:
            return
        try:
            async with transaction(session_factory) as session:
                await on_event(PeerEventsService(InboxRepository(session)), event)
        except Exception:
            count = failures.add(event.id)
            seconds = retry_pause(count)
            logger.exception(
                "Event %s (%s) not handled (failure %d); delivered again in %.0f s",
                event.id,
                event.type,
                count,
                seconds,
            )
            await pause(seconds)
            raise
        failures.forget(event.id)

    return handle
