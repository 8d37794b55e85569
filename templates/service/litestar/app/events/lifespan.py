"""The application's lifespan: every startup step, then every shutdown step in reverse.

Each step is a context manager that opens one resource and closes it; Litestar enters
them in the order of LIFESPAN and exits them in the opposite order.
"""

import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from litestar import Litestar

from app.core.logging import logging_in_background
from app.events.database import database
from app.events.http_client import http_client

logger = logging.getLogger(__name__)


@asynccontextmanager
async def background_logging(app: Litestar) -> AsyncIterator[None]:
    # Records are written on a background thread while the application runs: requests
    # never wait on the console. First in, last out: it carries the other steps' logs.
    with logging_in_background():
        yield


@asynccontextmanager
async def announce(app: Litestar) -> AsyncIterator[None]:
    name = app.state.settings.service_name
    logger.info("%s started", name)
    try:
        yield
    finally:
        logger.info("%s stopping", name)


LIFESPAN: Sequence[Callable[[Litestar], AbstractAsyncContextManager[None]]] = [
    background_logging,
    database,
    http_client,
    announce,
]
