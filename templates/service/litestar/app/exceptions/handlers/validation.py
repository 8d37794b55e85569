"""Requests whose body, path or query does not match the handler's signature: 422.

Litestar answers them with 400 by default; this service uses 422, like its other
services, and lists the invalid fields in `errors`.
"""

from http import HTTPStatus
from typing import Any

from litestar import Request, Response
from litestar.exceptions import ValidationException
from pydantic import ValidationError
from shared_schemas import FieldError

from app.exceptions.handlers.responses import problem_response

# The name Litestar gives the request body among a route's parameters.
BODY_PARAMETER = "data"


def body_errors(exc: BaseException) -> list[FieldError] | None:
    """The errors of pydantic, which validates the body, where it is the cause of `exc`.

    They are reported as FastAPI reports them: located in the body, with pydantic's kind
    of error, so that every service says the same about the same invalid body.
    """
    cause = exc.__cause__
    while cause is not None and not isinstance(cause, ValidationError):
        cause = cause.__cause__
    if cause is None:
        return None
    return [
        FieldError(loc=["body", *error["loc"]], message=error["msg"], type=error["type"])
        for error in cause.errors()
    ]


def field_errors(exc: ValidationException) -> list[FieldError]:
    # Only where and why: the rejected input is not echoed back, it may hold a secret.
    errors = body_errors(exc)
    if errors:
        return errors
    # Path and query parameters: each item of `extra` is {"message": ..., "key": "limit",
    # "source": "query"}, where "key" and "source" may be missing. Litestar gives no
    # machine-readable kind of error for them.
    items = exc.extra if isinstance(exc.extra, list) else []
    errors = [parameter_error(item) for item in items if isinstance(item, dict)]
    return errors or [FieldError(loc=[], message=str(exc.detail), type="invalid")]


def parameter_error(item: dict[str, Any]) -> FieldError:
    source = [item["source"]] if "source" in item else []
    key = item["key"].split(".") if "key" in item else []
    if source == ["body"] and key == [BODY_PARAMETER]:
        # The body itself is missing (Litestar's message is the KeyError: "'data'").
        return FieldError(loc=["body"], message="Field required", type="missing")
    return FieldError(loc=[*source, *key], message=str(item.get("message", "")), type="invalid")


def handle_validation_error(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[Any]:
    return invalid_request_response(request, field_errors(exc))


def malformed_body_response(request: Request[Any, Any, Any]) -> Response[Any]:
    body_error = FieldError(loc=["body"], message="The body is not JSON.", type="json_invalid")
    return invalid_request_response(request, [body_error])


def invalid_request_response(
    request: Request[Any, Any, Any], errors: list[FieldError]
) -> Response[Any]:
    return problem_response(
        request,
        status_code=HTTPStatus.UNPROCESSABLE_ENTITY,
        title="Unprocessable Content",
        code="validation_error",
        detail="The request is invalid; see `errors`.",
        errors=errors,
    )
