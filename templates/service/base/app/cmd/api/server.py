"""Serve the application with uvicorn, on the host and port of the settings."""

from collections.abc import Callable
from typing import Any

import uvicorn

from app.core.settings import get_settings


def serve(app: Callable[..., Any]) -> None:
    settings = get_settings()
    # log_config=None keeps the logging set up by create_app; the access log comes from
    # app.middlewares.observe, which also records the request id.
    uvicorn.run(app, host=settings.host, port=settings.port, log_config=None, access_log=False)
