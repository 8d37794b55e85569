"""Run the real application in-process and talk to it over HTTP."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from litestar.testing import AsyncTestClient

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
    async with AsyncTestClient(app, raise_server_exceptions=raise_app_exceptions) as client:
        yield client
