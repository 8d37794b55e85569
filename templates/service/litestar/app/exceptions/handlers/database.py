"""Database errors that are not the request's fault: 503, not a 500 (see
app.exceptions.database)."""

import logging
from typing import Any

from litestar import Request, Response

from app.exceptions.database import as_app_error
from app.exceptions.handlers.app_errors import handle_app_error
from app.exceptions.handlers.unhandled import handle_unhandled_error

logger = logging.getLogger(__name__)


def handle_database_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    error = as_app_error(exc)
    if error is None:
        return handle_unhandled_error(request, exc)
    # No stack trace: the cause is outside the code, and one line says enough to act on.
    logger.warning("%s on %s %s: %r", error.code, request.method, request.url.path, exc)
    return handle_app_error(request, error)
