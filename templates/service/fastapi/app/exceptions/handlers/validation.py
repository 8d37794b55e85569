"""Requests whose body, path or query does not match the schema: 422."""

from http import HTTPStatus

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from shared_schemas import FieldError

from app.exceptions.handlers.responses import problem_response


async def handle_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    # Only where and why: the rejected input is not echoed back, it may hold a secret.
    errors = [
        FieldError(loc=list(error["loc"]), message=error["msg"], type=error["type"])
        for error in exc.errors()
    ]
    return problem_response(
        status_code=HTTPStatus.UNPROCESSABLE_ENTITY,
        title="Unprocessable Content",
        code="validation_error",
        detail="The request is invalid; see `errors`.",
        errors=errors,
    )
