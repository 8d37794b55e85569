"""Requests whose body, path or query does not match the handler's signature: 422.

Litestar answers them with 400 by default; this service uses 422, like its other
services, and lists the invalid fields in `errors`.
"""

from http import HTTPStatus
from typing import Any

from litestar import Request, Response
from litestar.exceptions import ValidationException
from shared_schemas import FieldError

from app.exceptions.handlers.responses import problem_response


def field_errors(exc: ValidationException) -> list[FieldError]:
    # Each item of `extra` is {"message": ..., "key": "name", "source": "query"}, where
    # "key" and "source" may be missing. Litestar gives no machine-readable kind of error.
    # Only where and why: the rejected input is not echoed back, it may hold a secret.
    items = exc.extra if isinstance(exc.extra, list) else []
    errors = [
        FieldError(
            loc=[
                *([item["source"]] if "source" in item else []),
                *(item["key"].split(".") if "key" in item else []),
            ],
            message=str(item.get("message", "")),
            type="invalid",
        )
        for item in items
        if isinstance(item, dict)
    ]
    return errors or [FieldError(loc=[], message=str(exc.detail), type="invalid")]


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
