"""The database cannot be reached: 503, not a 500 (see app.exceptions.database)."""

import logging
from typing import Any

from litestar import Request, Response
from litestar.status_codes import HTTP_503_SERVICE_UNAVAILABLE

from app.exceptions.database import RETRY_AFTER_SECONDS
from app.exceptions.handlers.responses import problem_response

logger = logging.getLogger(__name__)


def handle_database_unavailable(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    # No stack trace: the cause is outside the service. The class says enough to act on.
    logger.warning("Database unavailable on %s %s: %r", request.method, request.url.path, exc)
    return problem_response(
        request,
        status_code=HTTP_503_SERVICE_UNAVAILABLE,
        title="Service Unavailable",
        code="database_unavailable",
        detail="The database is unavailable; try again later.",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )
