"""Count and time every request, and answer GET /metrics with the counts.

A plain ASGI middleware, the outermost one, so that it sees every answer, the router's
404 and 405 included. It answers GET /metrics itself: the scrape is not an API route (not
in the OpenAPI document), not counted, and not in the access log.
"""

import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from app.core.metrics import METRICS_CONTENT_TYPE, UNMATCHED_ROUTE, ServiceMetrics

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
# The route template of the route that answered, read from the scope after the answer.
RouteOf = Callable[[Scope], str | None]

METRICS_PATH = "/metrics"


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, metrics: ServiceMetrics, route_of: RouteOf) -> None:
        self.app = app
        self.metrics = metrics
        self.route_of = route_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == METRICS_PATH and scope["method"] in ("GET", "HEAD"):
            await self.serve_metrics(scope, send)
            return

        started = time.perf_counter()
        status = 500  # what the client gets if the app fails before responding

        async def send_and_record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_record_status)
        finally:
            route = self.route_of(scope) or UNMATCHED_ROUTE
            self.metrics.observe(scope["method"], route, status, time.perf_counter() - started)

    async def serve_metrics(self, scope: Scope, send: Send) -> None:
        body = self.metrics.exposition()
        headers = [
            (b"content-type", METRICS_CONTENT_TYPE.encode()),
            (b"content-length", str(len(body)).encode()),
        ]
        if scope["method"] == "HEAD":
            body = b""
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
