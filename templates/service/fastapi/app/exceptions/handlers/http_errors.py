"""HTTP errors raised by the framework itself: unknown route (404), wrong method (405)..."""

from http import HTTPStatus

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from app.exceptions.handlers.responses import problem_response
from app.exceptions.handlers.validation import handle_validation_error

TOO_DEEP_MESSAGE = "The body is nested too deeply."


async def handle_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if isinstance(exc.__cause__, RecursionError):
        # JSON nested deeper than the parser follows (`[[[[...]]]]` a thousand levels):
        # FastAPI answers it with a 400. Like any malformed body, and like the Litestar
        # services, it is a 422 here.
        return await handle_validation_error(request, too_deep_body_error())
    phrase = HTTPStatus(exc.status_code).phrase
    return problem_response(
        status_code=exc.status_code,
        title=phrase,
        code=phrase.lower().replace(" ", "_").replace("-", "_"),
        detail=exc.detail if exc.detail != phrase else None,
        headers=exc.headers,  # e.g. Allow on a 405
    )


def too_deep_body_error() -> RequestValidationError:
    error = {"type": "json_invalid", "loc": ("body",), "msg": TOO_DEEP_MESSAGE, "input": {}}
    return RequestValidationError([error])
