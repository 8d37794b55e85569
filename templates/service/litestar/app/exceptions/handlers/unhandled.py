"""Anything else is a bug: log it in full, answer a plain 500 without the stack trace."""

import logging
from typing import Any

from litestar import Request, Response
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from app.exceptions.handlers.responses import problem_response

logger = logging.getLogger(__name__)


def handle_unhandled_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    logger.error("Unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(
        request,
        status_code=HTTP_500_INTERNAL_SERVER_ERROR,
        title="Internal Server Error",
        code="internal_error",
        detail="An unexpected error occurred; it has been logged.",
    )
