"""Refuse request bodies over the size limit (the `max_request_body_bytes` setting) with 413.

A body announced larger than the limit (Content-Length) is refused before a byte of it is
read. A body sent without a length (chunked) is read up to the limit only: once it grows
past it, the request is refused and the rest is never read. Either way the service holds
at most `max_bytes` of a body in memory. A request with neither a length nor a transfer
encoding has no body in HTTP/1, and passes untouched.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.exceptions.handlers.app_errors import app_error_response
from app.exceptions.request import RequestBodyTooLargeError

# The versions of HTTP whose requests say whether they have a body (HTTP/2 may send one
# with neither header).
HTTP_1 = ("1.0", "1.1")


class BodySizeLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        content_length, chunked = body_framing(scope["headers"])
        if content_length is None and not chunked and scope.get("http_version") in HTTP_1:
            # Neither header: in HTTP/1 the request has no body (RFC 9112, 6.3), as with
            # most GETs. Nothing to count, and no `receive` to wrap.
            await self.app(scope, receive, send)
            return
        if content_length is not None:
            # The server delivers exactly Content-Length bytes (an invalid value is refused
            # by the server itself), so the announced length is the length.
            if content_length.isdigit() and int(content_length) > self.max_bytes:
                await self.refuse(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return

        body = await self.read_body(receive)
        if body is None:
            await self.refuse(scope, receive, send)
            return
        await self.app(scope, replay(body, receive), send)

    async def read_body(self, receive: Receive) -> bytes | None:
        """The whole body, or None as soon as it grows past the limit."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                break
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = app_error_response(RequestBodyTooLargeError(self.max_bytes))
        await response(scope, receive, send)


def body_framing(headers: list[tuple[bytes, bytes]]) -> tuple[str | None, bool]:
    """The Content-Length header as sent, and whether a Transfer-Encoding header was
    sent, read from the raw headers: cheaper than building a Headers object on every
    request."""
    content_length = None
    chunked = False
    for name, value in headers:
        if name == b"content-length":
            content_length = value.decode("latin-1")
        elif name == b"transfer-encoding":
            chunked = True
    return content_length, chunked


def replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives the body already read, then what the server sends next."""
    delivered = False

    async def receive_again() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return receive_again
