"""The access log: one line per request with its method, path, status and duration.

The framework-free part of it. Each framework's middleware (app.middlewares.access_log)
hands the ASGI call of a request to `log_request`, which passes it on, notes the status of
the response as it is sent and writes the line once the request is over.
"""

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

logger = logging.getLogger("app.access")

# The ASGI callables, loosely typed: Starlette and Litestar spell the scope and the
# messages with different (incompatible) types, and this code reads only plain keys.
Send = Callable[[Any], Awaitable[None]]
ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]


async def log_request(app: ASGIApp, scope: Any, receive: Any, send: Send) -> None:
    """Run `app` on one HTTP request and log it."""
    started = time.perf_counter()
    status_code = 500  # what the client gets if the app fails before responding

    async def send_and_record_status(message: Any) -> None:
        nonlocal status_code
        if message["type"] == "http.response.start":
            status_code = message["status"]
        await send(message)

    try:
        await app(scope, receive, send_and_record_status)
    finally:
        if logger.isEnabledFor(logging.INFO):
            duration_ms = (time.perf_counter() - started) * 1000
            args = (scope.get("method", "-"), scope["path"], status_code, duration_ms)
            # Made by hand rather than with logger.info, which walks the stack to find the
            # calling line: a cost on every request for a field nobody logs.
            record = logger.makeRecord(
                logger.name, logging.INFO, __file__, 0, "%s %s %d %.1fms", args, None
            )
            logger.handle(record)
