"""The access log (app.core.access_log) as a Starlette middleware."""

from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.access_log import log_request


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await log_request(self.app, scope, receive, send)
