"""Startup and shutdown of the HTTP client that calls the other services."""

from fastapi import FastAPI
from shared_utils import PeerClient


async def open_http_client(app: FastAPI) -> None:
    settings = app.state.settings
    app.state.peer_client = PeerClient.create(
        settings.peers, settings.peer_timeout_seconds, tracer_provider=app.state.tracer_provider
    )


async def close_http_client(app: FastAPI) -> None:
    await app.state.peer_client.aclose()
