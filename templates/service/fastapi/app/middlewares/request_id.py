"""Give every request an id, echoed in the X-Request-ID response header.

The id comes from the request's X-Request-ID header when a caller (a gateway, another
service) sent a valid one, so that one id follows a request through every service.
"""

from shared_config import REQUEST_ID_HEADER
from shared_utils import request_id_from_headers, set_request_id
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class RequestIdMiddleware:
    # A plain ASGI middleware rather than BaseHTTPMiddleware: it does not buffer
    # responses and keeps context variables visible to the route.
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        request_id = request_id_from_headers(scope["headers"])
        # Not reset afterwards: the 500 handler, which runs outside all middlewares, still
        # needs it. Each request has its own copy of the context, so nothing leaks.
        set_request_id(request_id)

        async def send_with_request_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        await self.app(scope, receive, send_with_request_id)
