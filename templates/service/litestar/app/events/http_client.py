"""The HTTP client that calls the other services, open while the application runs."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from shared_utils import PeerClient


@asynccontextmanager
async def http_client(app: Litestar) -> AsyncIterator[None]:
    settings = app.state.settings
    peer_client = PeerClient.create(
        settings.peers, settings.peer_timeout_seconds, tracer_provider=app.state.tracer_provider
    )
    app.state.peer_client = peer_client
    try:
        yield
    finally:
        await peer_client.aclose()
