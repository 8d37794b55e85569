"""Anything else is a bug: log it in full, answer a plain 500 without the stack trace."""

import logging

from fastapi import Request, status
from fastapi.responses import Response
from shared_config import REQUEST_ID_HEADER
from shared_utils import get_request_id

from app.exceptions.handlers.responses import problem_response

logger = logging.getLogger(__name__)


async def handle_unhandled_error(request: Request, exc: Exception) -> Response:
    logger.error("Unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    response = problem_response(
        status_code=status.HTTP_500_INTERNAL_SERVER_ERROR,
        title="Internal Server Error",
        code="internal_error",
        detail="An unexpected error occurred; it has been logged.",
    )
    # This handler runs outside the middlewares (the server's last resort), so the
    # request id header is added here.
    request_id = get_request_id()
    if request_id is not None:
        response.headers[REQUEST_ID_HEADER] = request_id
    return response
