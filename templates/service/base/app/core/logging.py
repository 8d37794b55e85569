"""Logging of the service: one line per record, tagged with the current request id."""

import logging
import logging.config
from typing import Any

from shared_utils import get_request_id

from app.core.log_format import TextFormatter, TraceContextFilter


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record so that the format can print it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = get_request_id() or "-"
        return True


def configure_logging(level: str, formatter: dict[str, Any] | None = None) -> None:
    """`formatter`: a dictConfig formatter entry (app.core.log_format.formatter_config)."""
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "filters": {
                "request_id": {"()": RequestIdFilter},
                "trace": {"()": TraceContextFilter},
            },
            "formatters": {
                "default": formatter or {"()": TextFormatter},
            },
            "handlers": {
                "console": {
                    "class": "logging.StreamHandler",
                    "formatter": "default",
                    "filters": ["request_id", "trace"],
                },
            },
            "root": {"handlers": ["console"], "level": level},
        }
    )
