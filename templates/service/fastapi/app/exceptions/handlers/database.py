"""Database errors that are not the request's fault: 503, not a 500 (see
app.exceptions.database)."""

import logging

from fastapi import Request, status
from fastapi.responses import Response

from app.exceptions.database import (
    DATABASE_UNAVAILABLE_ERRORS,
    RETRY_AFTER_SECONDS,
    MigrationsPendingError,
    is_schema_missing,
)
from app.exceptions.handlers.app_errors import app_error_response
from app.exceptions.handlers.responses import problem_response
from app.exceptions.handlers.unhandled import handle_unhandled_error

logger = logging.getLogger(__name__)


async def handle_database_error(request: Request, exc: Exception) -> Response:
    # No stack trace for these two: the cause is outside the code, and one line says
    # enough to act on.
    if is_schema_missing(exc):
        logger.warning("Migrations pending, on %s %s: %r", request.method, request.url.path, exc)
        return app_error_response(MigrationsPendingError())
    if isinstance(exc, DATABASE_UNAVAILABLE_ERRORS):
        logger.warning("Database unavailable on %s %s: %r", request.method, request.url.path, exc)
        return problem_response(
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            title="Service Unavailable",
            code="database_unavailable",
            detail="The database is unavailable; try again later.",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    # Any other database error (invalid SQL, say) is a bug.
    return await handle_unhandled_error(request, exc)
