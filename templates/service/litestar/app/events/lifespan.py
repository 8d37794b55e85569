"""The application's lifespan: every startup step, then every shutdown step in reverse.

Each step is a context manager that opens one resource and closes it; Litestar enters
them in the order of LIFESPAN and exits them in the opposite order.
"""

import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from litestar import Litestar

from app.events.database import database
from app.events.http_client import http_client

logger = logging.getLogger(__name__)


@asynccontextmanager
async def announce(app: Litestar) -> AsyncIterator[None]:
    name = app.state.settings.service_name
    logger.info("%s started", name)
    try:
        yield
    finally:
        logger.info("%s stopping", name)


LIFESPAN: Sequence[Callable[[Litestar], AbstractAsyncContextManager[None]]] = [
    database,
    http_client,
    announce,
]
