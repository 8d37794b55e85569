"""Give every request its id, count and time it, and log it; answer GET /metrics.

One plain ASGI middleware, the outermost one, so that it sees every answer, the router's
404 and 405 included, and one wrapper around `send` that notes the status once for the
access log and the metrics alike: each middleware layer costs every request a call and
each wrapper one more per message sent. It answers GET /metrics itself: the scrape is not
an API route (not in the OpenAPI document), not counted, and not in the access log.

The request id comes from the request's X-Request-ID header when a caller (a gateway,
another service) sent a valid one, so that one id follows a request through every
service; it is echoed in the X-Request-ID response header.
"""

import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from opentelemetry import trace
from shared_config import REQUEST_ID_HEADER
from shared_utils import request_id_from_headers, set_request_id

from app.core.access_log import log_access
from app.core.metrics import METRICS_CONTENT_TYPE, UNMATCHED_ROUTE, ServiceMetrics

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
# The route template of the route that answered, read from the scope after the answer.
RouteOf = Callable[[Scope], str | None]
# Corrects the message that starts the answer to an OPTIONS request, before it is sent.
OnOptions = Callable[[Scope, Message], None]

METRICS_PATH = "/metrics"
REQUEST_ID_RAW_HEADER = REQUEST_ID_HEADER.lower().encode("latin-1")


class ObserveMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        metrics: ServiceMetrics,
        route_of: RouteOf,
        *,
        traced: bool,
        on_options: OnOptions | None = None,
    ) -> None:
        """`traced`: whether the application traces its requests (app.core.telemetry);
        when it does not, there is no span to look up for the access log. `on_options`:
        a correction of the framework's answers to OPTIONS, made in this middleware's
        wrapper around `send` rather than in one more wrapper on every request."""
        self.app = app
        self.metrics = metrics
        self.route_of = route_of
        self.traced = traced
        self.on_options = on_options

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == METRICS_PATH and scope["method"] in ("GET", "HEAD"):
            await self.serve_metrics(scope, send)
            return

        started = time.perf_counter()
        request_id = request_id_from_headers(scope["headers"])
        # Not reset afterwards: an error handler that runs outside this middleware still
        # needs it. Each request has its own copy of the context, so nothing leaks.
        set_request_id(request_id)
        id_header = (REQUEST_ID_RAW_HEADER, request_id.encode("latin-1"))
        status = 500  # what the client gets if the app fails before responding
        # The request's span, for the access log. Noted as the response starts: Litestar
        # traces inside this middleware, so the span is no longer current afterwards.
        traced = self.traced
        span = trace.get_current_span() if traced else None
        on_options = self.on_options if scope["method"] == "OPTIONS" else None

        async def send_observed(message: Message) -> None:
            nonlocal status, span
            if message["type"] == "http.response.start":
                status = message["status"]
                if traced:
                    span = trace.get_current_span()
                if on_options is not None:
                    on_options(scope, message)
                # Replaces an X-Request-ID the application may have set itself.
                headers = [
                    header
                    for header in message.get("headers", ())
                    if header[0].lower() != REQUEST_ID_RAW_HEADER
                ]
                headers.append(id_header)
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        finally:
            seconds = time.perf_counter() - started
            route = self.route_of(scope) or UNMATCHED_ROUTE
            self.metrics.observe(scope["method"], route, status, seconds)
            log_access(scope["method"], scope["path"], status, seconds, request_id, span)

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
