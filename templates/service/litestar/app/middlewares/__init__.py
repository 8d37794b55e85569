"""Code that runs around every request."""

from litestar.config.cors import CORSConfig
from shared_config import REQUEST_ID_HEADER

from app.core.settings import Settings

# The request id, the access log and the metrics come from one middleware around the
# application's whole handler (app.middlewares.observability): Litestar's own middlewares
# run around the route handlers only, so not for the router's 404 and 405 answers. The
# same middleware corrects the Allow header of the answers to OPTIONS
# (app.middlewares.allow_header): no `before_send` hook, which would wrap `send` once more
# on every request.


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
