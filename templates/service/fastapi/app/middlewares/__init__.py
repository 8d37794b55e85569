"""Code that runs around every request."""

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from shared_config import REQUEST_ID_HEADER

from app.core.settings import Settings
from app.middlewares.access_log import AccessLogMiddleware
from app.middlewares.body_limit import BodySizeLimitMiddleware
from app.middlewares.request_id import RequestIdMiddleware


def setup_middlewares(app: FastAPI, settings: Settings) -> None:
    # The middleware added last runs first: the request id is set before anything logs,
    # and a refused body is logged and answered with the request id and CORS headers.
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_request_body_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=[REQUEST_ID_HEADER],
        )
    app.add_middleware(AccessLogMiddleware)
    app.add_middleware(RequestIdMiddleware)
