"""The access log: one line per request with its method, path, status and duration.

Written by the outermost middleware (app.middlewares.observe) once a request is over,
with the status it noted as the response was sent.
"""

import logging

from opentelemetry.trace import Span

from app.core.log_format import set_trace_ids

logger = logging.getLogger("app.access")


def log_access(method: str, path: str, status: int, seconds: float, span: Span | None) -> None:
    """`span`: the request's, current while the response started, or None when the
    application does not trace; the line carries its trace (the middleware that writes
    the line may run outside the tracing one)."""
    if logger.isEnabledFor(logging.INFO):
        args = (method, path, status, seconds * 1000)
        # Made by hand rather than with logger.info, which walks the stack to find the
        # calling line: a cost on every request for a field nobody logs.
        record = logger.makeRecord(
            logger.name, logging.INFO, __file__, 0, "%s %s %d %.1fms", args, None
        )
        if span is None:
            record.trace_id = record.span_id = None
        else:
            set_trace_ids(record, span)
        logger.handle(record)
