"""Give every request an id, echoed in the X-Request-ID response header.

The id comes from the request's X-Request-ID header when a caller (a gateway, another
service) sent a valid one, so that one id follows a request through every service.
"""

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from shared_config import REQUEST_ID_HEADER
from shared_utils import request_id_from_headers, set_request_id

_STATE_KEY = "request_id"


def request_id_of(scope: Scope) -> str:
    """The id of this request, chosen the first time it is asked for and kept in the scope."""
    state = scope["state"]
    if _STATE_KEY not in state:
        state[_STATE_KEY] = request_id_from_headers(scope["headers"])
    request_id: str = state[_STATE_KEY]
    return request_id


class RequestIdMiddleware(ASGIMiddleware):
    """Makes the id readable anywhere while the request is handled (logs, peer calls)."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        # Each request has its own copy of the context, so nothing leaks between requests.
        set_request_id(request_id_of(scope))
        await next_app(scope, receive, send)


async def send_request_id_header(message: Message, scope: Scope) -> None:
    """A `before_send` hook: it sees every response, the router's 404 and 405 included."""
    if message["type"] == "http.response.start":
        MutableScopeHeaders.from_message(message)[REQUEST_ID_HEADER] = request_id_of(scope)
