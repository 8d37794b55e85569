"""Logging of the service: one line per record, tagged with the current request id.

While the application runs, records are written on a thread of their own (see
`BackgroundHandler`): a request only puts its log lines on a queue.
"""

import logging
import logging.config
import queue
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from logging.handlers import QueueHandler
from typing import Any

from shared_utils import get_request_id

from app.core.log_format import TextFormatter, TraceContextFilter


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record so that the format can print it."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Kept when already set: a record written in the background got its id where it
        # was made, in the request's context; the writing thread has none.
        if not hasattr(record, "request_id"):
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
    global _background
    root = logging.getLogger()
    _background = BackgroundHandler(root.handlers)
    root.handlers = [_background]


# What a deferred record is made of: the function that makes it, and its arguments.
Deferred = tuple[Callable[..., logging.LogRecord], tuple[object, ...]]
Queued = logging.LogRecord | Deferred


class BatchWriter:
    """Writes the queued records on a thread of its own: every POLL_SECONDS, all those
    waiting at once.

    Waking a thread for every record (the standard QueueListener) costs the service more
    CPU than writing the record itself: a thread switch, and the interpreter lock passed
    back and forth, on every request. And a console handler writes and flushes each record
    by itself, a system call per line: here the lines of a batch go out in one write.
    """

    POLL_SECONDS = 0.05

    def __init__(self, records: queue.SimpleQueue[Queued], handlers: list[logging.Handler]) -> None:
        self._records = records
        self._handlers = handlers
        # Set when stopping: the thread looks at once instead of at the end of its pause,
        # so that stopping (at every application shutdown, in every test) takes no 50 ms.
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="log-writer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Returns once every record queued before the call is written."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        while True:
            stopping = self._stopping.wait(self.POLL_SECONDS)
            self._write_waiting()
            if stopping:
                return

    def _write_waiting(self) -> None:
        batch: list[logging.LogRecord] = []
        while True:
            try:
                item = self._records.get_nowait()
            except queue.Empty:
                break
            if isinstance(item, logging.LogRecord):
                batch.append(item)
            else:  # a deferred record (BackgroundHandler.defer): made here
                make, args = item
                try:
                    batch.append(make(*args))
                except Exception:  # one bad record must not stop the writer
                    traceback.print_exc()
        if not batch:
            return
        for handler in self._handlers:
            if isinstance(handler, logging.StreamHandler):
                write_lines(handler, batch)
            else:
                for record in batch:
                    if record.levelno >= handler.level:
                        handler.handle(record)


def write_lines(handler: logging.StreamHandler[Any], records: list[logging.LogRecord]) -> None:
    """What `handler.handle` does for each record, with one write and one flush for all."""
    lines = []
    for record in records:
        if record.levelno < handler.level or not handler.filter(record):
            continue
        try:
            lines.append(handler.format(record) + handler.terminator)
        except Exception:
            handler.handleError(record)
    if not lines:
        return
    with handler.lock or nullcontext():
        try:
            handler.stream.write("".join(lines))
            handler.flush()
        except Exception:
            handler.handleError(records[-1])


class BackgroundHandler(QueueHandler):
    """Hands records to `handlers` on a thread of its own while started (`BatchWriter`);
    before and after, writes them itself.

    The application starts it for as long as it runs (`logging_in_background`, in its
    lifespan), so that no request waits on a write to the console. Starts and stops are
    counted: applications run one inside another (in tests) share it.
    """

    def __init__(self, handlers: list[logging.Handler]) -> None:
        records: queue.SimpleQueue[Queued] = queue.SimpleQueue()
        super().__init__(records)
        self._records = records
        # The request id and the trace are context variables: they must be read where the
        # record is made, not on the writing thread.
        self.addFilter(RequestIdFilter())
        self.addFilter(TraceContextFilter())
        self.handlers = handlers
        self._listener = BatchWriter(records, handlers)
        self._lock = threading.Lock()
        self._users = 0

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        # The record stays in this process: no copy, no formatting here (the standard
        # QueueHandler prepares records for other processes). Only the message is fixed
        # now, in case its arguments change before the record is written.
        record.msg = record.getMessage()
        record.args = None
        return record

    def emit(self, record: logging.LogRecord) -> None:
        if self._users:
            super().emit(record)
            return
        for handler in self.handlers:
            if record.levelno >= handler.level:
                handler.handle(record)

    def defer(
        self,
        logger: logging.Logger,
        make: Callable[..., logging.LogRecord],
        args: tuple[object, ...],
    ) -> bool:
        """Queue a record of `logger` that the writing thread makes itself, `make(*args)`,
        when that thread runs and nothing but it would see the record (no other handler
        or filter on the way); False otherwise, and the caller logs the record itself.

        For the lines written on every request (the access log): making a LogRecord and
        passing it through the logging machinery costs the request more than the line.
        `args` must hold everything the record needs from the request (its id, its trace):
        the writing thread has no context of its own.
        """
        if not self._users or not self.only_handler_of(logger):
            return False
        self._records.put_nowait((make, args))
        return True

    def only_handler_of(self, logger: logging.Logger) -> bool:
        """Whether a record of `logger` would reach this handler and nothing else."""
        current: logging.Logger | None = logger
        reached = False
        while current is not None:
            if current.filters:
                return False
            for handler in current.handlers:
                if handler is not self:
                    return False
                reached = True
            if not current.propagate:
                break
            current = current.parent
        return reached and not self.level

    def start(self) -> None:
        with self._lock:
            self._users += 1
            if self._users == 1:
                self._listener.start()

    def stop(self) -> None:
        with self._lock:
            self._users -= 1
            if self._users == 0:
                self._listener.stop()  # once every queued record is written


_background: BackgroundHandler | None = None


def defer_record(
    logger: logging.Logger, make: Callable[..., logging.LogRecord], args: tuple[object, ...]
) -> bool:
    """`BackgroundHandler.defer` on the handler configure_logging installed; False when
    there is none."""
    handler = _background
    return handler is not None and handler.defer(logger, make, args)


@contextmanager
def logging_in_background() -> Iterator[None]:
    """Write the records on a background thread while the block runs."""
    handler = _background
    if handler is None:  # logging not configured by configure_logging
        yield
        return
    handler.start()
    try:
        yield
    finally:
        handler.stop()
