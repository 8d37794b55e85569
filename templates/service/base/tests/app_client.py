"""Run the real application in-process and talk to it over HTTP."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from app.core.settings import Settings
from tests.app_transport import running_app_transport
from tests.client_headers import client_headers


@asynccontextmanager
async def open_client(
    settings: Settings, *, raise_app_exceptions: bool = True
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of a new application, with its startup and shutdown run.

    `raise_app_exceptions=False` lets a test see the 500 response of an unhandled error
    instead of the exception itself. httpx's ASGI transport passes a request body given as
    an async iterator to the application chunk by chunk, when the application asks for it
    (as a real server does).
    """
    async with (
        running_app_transport(settings, raise_app_exceptions=raise_app_exceptions) as transport,
        httpx.AsyncClient(
            transport=transport, base_url="http://test", headers=client_headers(settings)
        ) as client,
    ):
        yield client
