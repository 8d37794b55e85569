"""Code that runs around every request."""

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from shared_config import REQUEST_ID_HEADER

from app.core.settings import Settings
from app.middlewares.body_limit import BodySizeLimitMiddleware


def setup_middlewares(app: FastAPI, settings: Settings) -> None:
    # The middleware added last runs first. The request id, the access log and the
    # metrics come from the outermost one (app.middlewares.observability), added after
    # these: a refused body is logged and answered with the request id and CORS headers.
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_request_body_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=[REQUEST_ID_HEADER],
        )
