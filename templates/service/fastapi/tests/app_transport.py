"""A new application, with its startup and shutdown run, behind httpx's ASGI transport."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from asgi_lifespan import LifespanManager

from app.cmd.api.main import create_app
from app.core.settings import Settings


@asynccontextmanager
async def running_app_transport(
    settings: Settings, *, raise_app_exceptions: bool
) -> AsyncIterator[httpx.ASGITransport]:
    async with LifespanManager(create_app(settings)) as manager:
        yield httpx.ASGITransport(app=manager.app, raise_app_exceptions=raise_app_exceptions)
