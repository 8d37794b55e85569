"""HTTP errors raised by the framework itself: unknown route (404), wrong method (405)..."""

from http import HTTPStatus
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, SerializationException

from app.exceptions.handlers.responses import problem_response
from app.exceptions.handlers.validation import malformed_body_response


def handle_http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if isinstance(exc.__cause__, SerializationException):
        # Litestar reports a body that is not JSON as a 400; like every other invalid
        # input, and like the FastAPI services, it is answered with a 422 here.
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
