"""HTTP errors raised by the framework itself: unknown route (404), wrong method (405)..."""

from http import HTTPStatus

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException
from starlette.routing import Match

from app.exceptions.handlers.responses import problem_response
from app.exceptions.handlers.validation import handle_validation_error, malformed_body_response

TOO_DEEP_MESSAGE = "The body is nested too deeply."

# The methods of RFC 9110 and PATCH: the ones a route may declare.
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT")


def allowed_methods(request: Request) -> str:
    """Every method the request's path answers, for the Allow header.

    Starlette's own 405 lists the methods of the first route matching the path only,
    while a path usually has one route per method (GET, PATCH and DELETE of an item): so
    each method is tried against every route. OPTIONS is answered for every path.
    """
    routes = request.app.router.routes
    methods = {
        method
        for method in HTTP_METHODS
        for route in routes
        if route.matches({**request.scope, "method": method})[0] is Match.FULL
    }
    return ", ".join(sorted(methods | {"OPTIONS"}))


async def handle_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if isinstance(exc.__cause__, RecursionError):
        # JSON nested deeper than the parser follows (`[[[[...]]]]` a thousand levels):
        # FastAPI answers it with a 400. Like any malformed body, and like the Litestar
        # services, it is a 422 here.
        return await handle_validation_error(request, too_deep_body_error())
    if exc.status_code == HTTPStatus.BAD_REQUEST and isinstance(exc.__cause__, ValueError):
        # FastAPI answers 400 for a body it cannot decode (bytes that are not UTF-8); like
        # a body that is not JSON, and like the Litestar services, that is a 422 here.
        return malformed_body_response()
    headers = dict(exc.headers or {})
    if exc.status_code == HTTPStatus.METHOD_NOT_ALLOWED:
        headers["Allow"] = allowed_methods(request)
        if request.method == "OPTIONS":
            # OPTIONS asks which methods a path supports: answered for every path that
            # exists (unknown paths stay 404), as Litestar does.
            return Response(status_code=HTTPStatus.NO_CONTENT, headers={"Allow": headers["Allow"]})
    phrase = HTTPStatus(exc.status_code).phrase
    return problem_response(
        status_code=exc.status_code,
        title=phrase,
        code=phrase.lower().replace(" ", "_").replace("-", "_"),
        detail=exc.detail if exc.detail != phrase else None,
        headers=headers,
    )


def too_deep_body_error() -> RequestValidationError:
    error = {"type": "json_invalid", "loc": ("body",), "msg": TOO_DEEP_MESSAGE, "input": {}}
    return RequestValidationError([error])
