"""Code that runs around every request."""

from litestar.config.cors import CORSConfig
from litestar.middleware import ASGIMiddleware
from litestar.types import BeforeMessageSendHookHandler
from shared_config import REQUEST_ID_HEADER

from app.core.settings import Settings
from app.middlewares.access_log import AccessLogMiddleware
from app.middlewares.allow_header import send_allow_header
from app.middlewares.request_id import RequestIdMiddleware, send_request_id_header

# In the order they run: the request id is set before anything logs. Litestar runs them
# around the route handlers, so not for the router's own 404 and 405 answers.
MIDDLEWARE: list[ASGIMiddleware] = [RequestIdMiddleware(), AccessLogMiddleware()]

# Hooks on every message the application sends, router errors included.
BEFORE_SEND: list[BeforeMessageSendHookHandler] = [send_request_id_header, send_allow_header]


def cors_config(settings: Settings) -> CORSConfig | None:
    """Browsers may call the API from these origins only; CORS stays off without any."""
    if not settings.cors_origins:
        return None
    return CORSConfig(
        allow_origins=settings.cors_origins,
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=[REQUEST_ID_HEADER],
    )
