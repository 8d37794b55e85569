"""A new application, with its startup and shutdown run, behind httpx's ASGI transport."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from litestar.testing import AsyncTestClient

from app.cmd.api.main import create_app
from app.core.settings import Settings


@asynccontextmanager
async def running_app_transport(
    settings: Settings, *, raise_app_exceptions: bool
) -> AsyncIterator[httpx.ASGITransport]:
    app = create_app(settings)
    # Litestar's test client runs the startup and shutdown; requests do not go through it,
    # because it reads a request body in full before the application runs.
    async with AsyncTestClient(app):
        # Litestar types the ASGI messages more narrowly than httpx does; they are the same.
        yield httpx.ASGITransport(
            app=app,  # type: ignore[arg-type]
            raise_app_exceptions=raise_app_exceptions,
        )
