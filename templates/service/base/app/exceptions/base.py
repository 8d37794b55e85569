"""The root of the service's errors, and the generic kinds of error."""

from collections.abc import Mapping
from http import HTTPStatus
from types import MappingProxyType
from typing import ClassVar


class AppError(Exception):
    """An expected error, answered with `status_code` and a problem+json body."""

    status_code: int = HTTPStatus.INTERNAL_SERVER_ERROR
    code: str = "internal_error"
    title: str = "Internal Server Error"
    # Response headers the answer carries (Retry-After, ...).
    headers: ClassVar[Mapping[str, str]] = MappingProxyType({})

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFoundError(AppError):
    status_code = HTTPStatus.NOT_FOUND
    code = "not_found"
    title = "Not Found"


class AlreadyExistsError(AppError):
    status_code = HTTPStatus.CONFLICT
    code = "already_exists"
    title = "Conflict"
