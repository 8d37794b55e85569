"""HTTP errors raised by the framework itself: unknown route (404), wrong method (405)..."""

from http import HTTPStatus
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, SerializationException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from shared_schemas import FieldError

from app.exceptions.handlers.app_errors import handle_app_error
from app.exceptions.handlers.responses import problem_response
from app.exceptions.handlers.validation import invalid_request_response, malformed_body_response
from app.exceptions.request import RequestBodyTooLargeError

TOO_DEEP_MESSAGE = "The body is nested too deeply."


def handle_http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if isinstance(exc, RequestEntityTooLarge):
        # Over `request_max_body_size`: the same answer as the FastAPI services give.
        limit = request.app.state.settings.max_request_body_bytes
        return handle_app_error(request, RequestBodyTooLargeError(limit))
    if isinstance(exc.__cause__, SerializationException):
        # Litestar reports a body that is not JSON as a 400; like every other invalid
        # input, and like the FastAPI services, it is answered with a 422 here.
        if isinstance(exc.__cause__.__cause__, RecursionError):
            return too_deep_body_response(request)
        return malformed_body_response(request)
    headers = {
        name: value for name, value in (exc.headers or {}).items() if name.lower() != "allow"
    }
    allow = next(
        (value for name, value in (exc.headers or {}).items() if name.lower() == "allow"), None
    )
    if allow is not None:
        # The 405's list of methods, in the order every service writes it.
        headers["Allow"] = ", ".join(sorted(method.strip() for method in allow.split(",")))
    phrase = HTTPStatus(exc.status_code).phrase
    return problem_response(
        request,
        status_code=exc.status_code,
        title=phrase,
        code=phrase.lower().replace(" ", "_").replace("-", "_"),
        detail=exc.detail if exc.detail != phrase else None,
        headers=headers,
    )


def too_deep_body_response(request: Request[Any, Any, Any]) -> Response[Any]:
    """JSON nested deeper than the parser follows (see app.middlewares.request)."""
    error = FieldError(loc=["body"], message=TOO_DEEP_MESSAGE, type="json_invalid")
    return invalid_request_response(request, [error])
