"""The id of the request being handled, readable anywhere without passing it around.

A middleware sets it for each incoming request (taken from the `X-Request-ID` header, or
new); log records and calls to other services read it, so one id follows a request
through every service it touches.
"""

import re
import uuid
from contextvars import ContextVar

# Each request runs in its own copy of the context, so concurrent requests never see
# each other's id.
_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

# Ids from clients are echoed into logs and headers: accept only short, plain values.
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")


def new_request_id() -> str:
    return uuid.uuid4().hex


def is_valid_request_id(value: str) -> bool:
    return _VALID_REQUEST_ID.fullmatch(value) is not None


def get_request_id() -> str | None:
    return _request_id.get()


def set_request_id(request_id: str | None) -> None:
    _request_id.set(request_id)
