"""One log line per request: method, path, status and duration."""

import logging
import time

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("app.access")


class AccessLogMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        started = time.perf_counter()
        status_code = 500  # what the client gets if the app fails before responding

        async def send_and_record_status(message: Message) -> None:
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = message["status"]
            await send(message)

        try:
            await next_app(scope, receive, send_and_record_status)
        finally:
            duration_ms = (time.perf_counter() - started) * 1000
            method = scope.get("method", "-")
            logger.info("%s %s %d %.1fms", method, scope["path"], status_code, duration_ms)
