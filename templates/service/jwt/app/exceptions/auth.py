"""Errors of a request's credentials: answered as problem+json like every other error."""

from http import HTTPStatus
from types import MappingProxyType

from app.exceptions.base import AppError


class NotAuthenticatedError(AppError):
    """No token, or one that is not valid: the client must (re)authenticate."""

    status_code = HTTPStatus.UNAUTHORIZED
    code = "not_authenticated"
    title = "Unauthorized"
    # RFC 6750: a 401 names the scheme the client must use.
    headers = MappingProxyType({"WWW-Authenticate": "Bearer"})


class MissingScopeError(AppError):
    status_code = HTTPStatus.FORBIDDEN
    code = "insufficient_scope"
    title = "Forbidden"

    def __init__(self, scope: str) -> None:
        super().__init__(f"This request needs a token with the scope {scope!r}.")
        self.scope = scope


class KeysUnavailableError(AppError):
    """The identity service's keys were never fetched and cannot be now."""

    status_code = HTTPStatus.SERVICE_UNAVAILABLE
    code = "keys_unavailable"
    title = "Service Unavailable"
    headers = MappingProxyType({"Retry-After": "5"})


class InvalidGrantError(AppError):
    """Wrong credentials at the token endpoint (RFC 6749's `invalid_grant`)."""

    status_code = HTTPStatus.BAD_REQUEST
    code = "invalid_grant"
    title = "Bad Request"
