"""The access log: one line per request with its method, path, status and duration.

Written by the outermost middleware (app.middlewares.observe) once a request is over,
with the status it noted as the response was sent.
"""

import logging

logger = logging.getLogger("app.access")


def log_access(method: str, path: str, status: int, seconds: float) -> None:
    if logger.isEnabledFor(logging.INFO):
        args = (method, path, status, seconds * 1000)
        # Made by hand rather than with logger.info, which walks the stack to find the
        # calling line: a cost on every request for a field nobody logs.
        record = logger.makeRecord(
            logger.name, logging.INFO, __file__, 0, "%s %s %d %.1fms", args, None
        )
        logger.handle(record)
