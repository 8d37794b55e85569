"""The access log: one line per request with its method, path, status and duration.

Written by the outermost middleware (app.middlewares.observe) once a request is over,
with the status it noted as the response was sent.
"""

import logging
import time

from opentelemetry.trace import Span

from app.core.log_format import trace_ids
from app.core.logging import defer_record

logger = logging.getLogger("app.access")
MESSAGE = "%s %s %d %.1fms"


def log_access(
    method: str, path: str, status: int, seconds: float, request_id: str, span: Span | None
) -> None:
    """`span`: the request's, current while the response started, or None when the
    application does not trace; the line carries its trace (the middleware that writes
    the line may run outside the tracing one)."""
    if not logger.isEnabledFor(logging.INFO):
        return
    entry = (time.time(), method, path, status, seconds * 1000, request_id, *trace_ids(span))
    # While the application runs, the request only queues these values: the record is
    # made, and the line formatted, on the thread that writes the log.
    if not defer_record(logger, access_record, entry):
        logger.handle(access_record(*entry))


def access_record(
    created: float,
    method: str,
    path: str,
    status: int,
    milliseconds: float,
    request_id: str,
    trace_id: str | None,
    span_id: str | None,
) -> logging.LogRecord:
    """The record of one request, dated when the request ended."""
    # Made by hand rather than with logger.info, which walks the stack to find the
    # calling line: a cost on every request for a field nobody logs.
    record = logger.makeRecord(
        logger.name,
        logging.INFO,
        __file__,
        0,
        MESSAGE,
        (method, path, status, milliseconds),
        None,
    )
    record.created = created
    record.msecs = int((created - int(created)) * 1000) + 0.0
    record.request_id = request_id
    record.trace_id = trace_id
    record.span_id = span_id
    return record
