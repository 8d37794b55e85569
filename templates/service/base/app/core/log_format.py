"""How log records are written: plain text for a terminal, or one JSON object per line.

JSON lines (`<PREFIX>_LOG_FORMAT=json`, what containers use) carry `time`, `level`,
`logger`, `message`, `service`, `request_id`, `trace_id` and `span_id`, and an exception
as one `exception` field: a log collector reads each line as one event and can join the
lines of one request across services by its request id or trace id.

Known secret values (the secret key, the database password) are replaced in every line,
whatever logs them.
"""

import json
import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from opentelemetry import trace
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from app.core.settings import Settings

TEXT_FORMAT = "%(asctime)s %(levelname)-8s [%(request_id)s] %(name)s: %(message)s"
REDACTED = "[REDACTED]"
# Shorter values would be replaced inside unrelated words.
MIN_SECRET_LENGTH = 4


class TraceContextFilter(logging.Filter):
    """Adds the ids of the current trace and span (None outside a traced request).

    A filter runs where the record is created, so the ids are those of the code that logs,
    even when the record is written later on another thread.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        # Kept when already set: a record written in the background got its ids where it
        # was made; the writing thread has no current span.
        if hasattr(record, "trace_id"):
            return True
        set_trace_ids(record, trace.get_current_span())
        return True


def trace_ids(span: trace.Span | None) -> tuple[str | None, str | None]:
    """The trace and span ids of `span`, as logged (None for no span or one not recorded)."""
    context = None if span is None else span.get_span_context()
    if context is None or not context.is_valid:
        return None, None
    return trace.format_trace_id(context.trace_id), trace.format_span_id(context.span_id)


def set_trace_ids(record: logging.LogRecord, span: trace.Span) -> None:
    """Marks `record` with the ids of `span` (None for a span that is not recorded)."""
    record.trace_id, record.span_id = trace_ids(span)


class Redactor:
    def __init__(self, secrets: Iterable[str]) -> None:
        self.secrets = sorted(
            {secret for secret in secrets if len(secret) >= MIN_SECRET_LENGTH},
            key=len,
            reverse=True,  # a secret containing another is replaced whole
        )

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text


class TextFormatter(logging.Formatter):
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__(TEXT_FORMAT)
        self.redact = Redactor(secrets)

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.service = service
        self.redact = Redactor(secrets)

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", None)
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": self.redact(record.getMessage()),
            "service": self.service,
            "request_id": None if request_id in (None, "-") else request_id,
            "trace_id": getattr(record, "trace_id", None),
            "span_id": getattr(record, "span_id", None),
        }
        if record.exc_info:
            entry["exception"] = self.redact(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exception"] = self.redact(record.exc_text)
        if record.stack_info:
            entry["stack"] = self.redact(self.formatStack(record.stack_info))
        # json.dumps escapes newlines: a traceback stays on the record's one line.
        return json.dumps(entry, ensure_ascii=False, default=str)


def secrets_of(settings: Settings) -> list[str]:
    """Values of the settings that must never appear in a log line."""
    secrets = [settings.secret_key.get_secret_value()]
    try:
        password = make_url(settings.database_url).password
    except ArgumentError:
        password = None
    if password:
        secrets.append(str(password))
    return secrets


def formatter_config(settings: Settings) -> dict[str, Any]:
    """The `logging.config.dictConfig` entry of the formatter the settings choose."""
    secrets = secrets_of(settings)
    if settings.log_format == "json":
        return {"()": JsonFormatter, "service": settings.service_name, "secrets": secrets}
    return {"()": TextFormatter, "secrets": secrets}
