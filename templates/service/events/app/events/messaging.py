"""Startup and shutdown of the broker connection, the outbox relay and the subscriptions.

Written for any framework: both keep what startup opens on `app.state`.
"""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

from app.messaging.runtime import Messaging

logger = logging.getLogger(__name__)


class App(Protocol):
    @property
    def state(self) -> Any: ...


async def open_messaging(app: App) -> None:
    state = app.state
    settings = state.settings
    if not settings.broker_url:
        # Unset or empty (tests, a service run on its own): events wait in the outbox.
        logger.info("No broker_url: events stay in the outbox and none are received")
        state.messaging = None
        return
    state.messaging = Messaging(
        settings.broker_url,
        settings.events_namespace,
        settings.service_name,
        state.engine,
        state.session_factory,
        peers=settings.peers,
    )
    await state.messaging.start()


async def close_messaging(app: App) -> None:
    if app.state.messaging is not None:
        await app.state.messaging.stop()


@asynccontextmanager
async def messaging(app: App) -> AsyncIterator[None]:
    await open_messaging(app)
    try:
        yield
    finally:
        await close_messaging(app)
