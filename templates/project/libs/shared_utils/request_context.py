"""The id of the request being handled, readable anywhere without passing it around.

A middleware sets it for each incoming request (taken from the `X-Request-ID` header, or
new); log records and calls to other services read it, so one id follows a request
through every service it touches.
"""

import itertools
import os
import re
from collections.abc import Iterable
from contextvars import ContextVar

from shared_config.constants import REQUEST_ID_HEADER

# Each request runs in its own copy of the context, so concurrent requests never see
# each other's id.
_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
# The Authorization header of the request being handled, once its token was checked:
# calls to peers made for the request forward it (see http_client.PeerClient).
_authorization: ContextVar[str | None] = ContextVar("authorization", default=None)

# Ids from clients are echoed into logs and headers: accept only short, plain values.
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")

# The header's name as an ASGI server passes it: lowercase bytes.
_RAW_HEADER_NAME = REQUEST_ID_HEADER.lower().encode("latin-1")


class _IdSequence:
    """Ids unique across processes without drawing a random number for each request.

    An id is 32 hexadecimal digits, like a UUID without dashes: 16 random ones drawn once
    per process, then a counter. Ids only need to be unique, not secret, and a UUID4 per
    request costs a noticeable share of a fast request.
    """

    def __init__(self) -> None:
        self.restart()

    def restart(self) -> None:
        self.prefix = os.urandom(8).hex()
        self.counter = itertools.count()

    def next(self) -> str:
        # next() on itertools.count is atomic: no lock needed, even across threads.
        return f"{self.prefix}{next(self.counter):016x}"


_ids = _IdSequence()
# A forked worker (gunicorn, multiprocessing) draws its own prefix, or it would repeat
# its parent's ids.
os.register_at_fork(after_in_child=_ids.restart)


def new_request_id() -> str:
    return _ids.next()


def is_valid_request_id(value: str) -> bool:
    return _VALID_REQUEST_ID.fullmatch(value) is not None


def request_id_from_headers(headers: Iterable[tuple[bytes, bytes]]) -> str:
    """The id of a request, from its raw ASGI headers (`scope["headers"]`): the caller's
    `X-Request-ID` when it sent a valid one, else a new id."""
    for name, value in headers:
        if name == _RAW_HEADER_NAME:
            incoming = value.decode("latin-1")
            return incoming if is_valid_request_id(incoming) else new_request_id()
    return new_request_id()


def get_request_id() -> str | None:
    return _request_id.get()


def set_request_id(request_id: str | None) -> None:
    _request_id.set(request_id)


def get_authorization() -> str | None:
    return _authorization.get()


def set_authorization(authorization: str | None) -> None:
    _authorization.set(authorization)
