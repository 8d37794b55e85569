"""Errors about a request as a whole, whatever route it is for."""

from http import HTTPStatus

from app.exceptions.base import AppError


class RequestBodyTooLargeError(AppError):
    status_code = HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    code = "request_body_too_large"
    title = "Content Too Large"

    def __init__(self, limit: int) -> None:
        super().__init__(f"The request body is larger than the limit of {limit} bytes.")
        self.limit = limit
