"""The database cannot be reached: 503, not a 500 (see app.exceptions.database)."""

import logging

from fastapi import Request, status
from fastapi.responses import Response

from app.exceptions.database import RETRY_AFTER_SECONDS
from app.exceptions.handlers.responses import problem_response

logger = logging.getLogger(__name__)


async def handle_database_unavailable(request: Request, exc: Exception) -> Response:
    # No stack trace: the cause is outside the service. The class says enough to act on.
    logger.warning("Database unavailable on %s %s: %r", request.method, request.url.path, exc)
    return problem_response(
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        title="Service Unavailable",
        code="database_unavailable",
        detail="The database is unavailable; try again later.",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )
