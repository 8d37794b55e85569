"""HTTP errors raised by the framework itself: unknown route (404), wrong method (405)..."""

from http import HTTPStatus

from fastapi import Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from app.exceptions.handlers.responses import problem_response


async def handle_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    phrase = HTTPStatus(exc.status_code).phrase
    return problem_response(
        status_code=exc.status_code,
        title=phrase,
        code=phrase.lower().replace(" ", "_").replace("-", "_"),
        detail=exc.detail if exc.detail != phrase else None,
        headers=exc.headers,  # e.g. Allow on a 405
    )
