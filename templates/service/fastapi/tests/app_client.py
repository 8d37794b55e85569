"""Run the real application in-process and talk to it over HTTP."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from asgi_lifespan import LifespanManager

from app.cmd.api.main import create_app
from app.core.settings import Settings


@asynccontextmanager
async def open_client(
    settings: Settings, *, raise_app_exceptions: bool = True
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of a new application, with its startup and shutdown run.

    `raise_app_exceptions=False` lets a test see the 500 response of an unhandled error
    instead of the exception itself.
    """
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app, raise_app_exceptions=raise_app_exceptions)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


@asynccontextmanager
async def open_streaming_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """Like `open_client`, but a request body given as an async iterator reaches the
    application chunk by chunk, when the application asks for it (as from a real server)."""
    async with open_client(settings) as client:
        yield client
