"""Requests whose body, path or query does not match the schema: 422."""

from http import HTTPStatus

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from shared_schemas import FieldError

from app.exceptions.handlers.responses import problem_response

# A body that cannot be read as JSON (a syntax error, bytes that are not UTF-8): one error,
# the same whatever went wrong, and the same on every framework.
MALFORMED_BODY = FieldError(loc=["body"], message="The body is not JSON.", type="json_invalid")


async def handle_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    # Only where and why: the rejected input is not echoed back, it may hold a secret.
    errors = [
        MALFORMED_BODY
        if error["type"] == "json_invalid"
        else FieldError(loc=list(error["loc"]), message=error["msg"], type=error["type"])
        for error in exc.errors()
    ]
    return invalid_request_response(errors)


def malformed_body_response() -> Response:
    return invalid_request_response([MALFORMED_BODY])


def invalid_request_response(errors: list[FieldError]) -> Response:
    return problem_response(
        status_code=HTTPStatus.UNPROCESSABLE_ENTITY,
        title="Unprocessable Content",
        code="validation_error",
        detail="The request is invalid; see `errors`.",
        errors=errors,
    )
