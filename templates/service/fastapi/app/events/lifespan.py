"""The application's lifespan: every startup step, then every shutdown step in reverse."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.core.logging import logging_in_background
from app.events.database import close_database, open_database
from app.events.http_client import close_http_client, open_http_client

logger = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Records are written on a background thread while the application runs: requests
    # never wait on the console.
    with logging_in_background():
        await open_database(app)
        await open_http_client(app)
        logger.info("%s started", app.title)
        try:
            yield
        finally:
            await close_http_client(app)
            await close_database(app)
            logger.info("%s stopped", app.title)
