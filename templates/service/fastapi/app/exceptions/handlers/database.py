"""Database errors that are not the request's fault: 503, not a 500 (see
app.exceptions.database)."""

import logging

from fastapi import Request
from fastapi.responses import Response

from app.exceptions.database import as_app_error
from app.exceptions.handlers.app_errors import app_error_response
from app.exceptions.handlers.unhandled import handle_unhandled_error

logger = logging.getLogger(__name__)


async def handle_database_error(request: Request, exc: Exception) -> Response:
    error = as_app_error(exc)
    if error is None:
        return await handle_unhandled_error(request, exc)
    # No stack trace: the cause is outside the code, and one line says enough to act on.
    logger.warning("%s on %s %s: %r", error.code, request.method, request.url.path, exc)
    return app_error_response(error)
