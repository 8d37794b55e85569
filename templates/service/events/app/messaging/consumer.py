"""Receiving the events of the other services: validate, then handle in one transaction.

A message that is not a valid CloudEvent is logged and acknowledged: retrying it would
fail the same way forever. A valid event whose handling fails (the database down) is
raised to the broker, which delivers it again after a pause.
"""

import asyncio
import logging
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
# deliver it again at once, as fast as it fails.
RETRY_PAUSE_SECONDS = 1.0


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


def event_handler(session_factory: async_sessionmaker[AsyncSession], on_event: OnEvent) -> Handler:
    async def handle(body: bytes) -> None:
        event = parse_event(body)
        if event is None:
            return
        try:
            async with transaction(session_factory) as session:
                await on_event(PeerEventsService(InboxRepository(session)), event)
        except Exception:
            logger.exception(
                "Event %s (%s) not handled; it will be delivered again", event.id, event.type
            )
            await asyncio.sleep(RETRY_PAUSE_SECONDS)
            raise

    return handle
