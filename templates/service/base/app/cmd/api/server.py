"""Serve the application with uvicorn, on the host and port of the settings.

    python -m app.cmd.api.main [--migrate]

`--migrate` applies the pending database migrations first, in this process: what
`alembic upgrade head && python -m app.cmd.api.main` does, for about a second less CPU at
every start (one interpreter to start and one set of modules to import, not two).
"""

import argparse
import gc
import logging
from collections.abc import Callable, Sequence
from typing import Any

import uvicorn

from app.core.migrations import apply_migrations
from app.core.settings import get_settings

logger = logging.getLogger(__name__)

# Objects the interpreter allocates, net of those it frees, before it looks for cycles
# among the newest ones (its default is 700). The requests in flight hold a few hundred
# objects each (ORM rows, schemas, scopes): at the default, a collection ran about once per
# request, for little, as nearly all of them are freed without one. Cyclic garbage still
# gets collected, only later: at most this many objects' worth.
YOUNG_OBJECTS_BEFORE_COLLECTING = 10_000
# The exit status when --migrate fails: scripts/stack.py tells it from other failures.
MIGRATIONS_FAILED_EXIT_STATUS = 4


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m app.cmd.api.main",
        description="Serve the application on the host and port of the settings.",
    )
    parser.add_argument(
        "--migrate",
        action="store_true",
        help="apply the pending database migrations first (alembic upgrade head)",
    )
    return parser.parse_args(argv)


def serve(app: Callable[..., Any], argv: Sequence[str] | None = None) -> None:
    """Serve `app`; `argv` are the command's arguments (by default, the process's)."""
    arguments = parse_arguments(argv)
    settings = get_settings()
    if arguments.migrate:
        try:
            apply_migrations(settings.database_url)
        except Exception:
            logger.exception("The database migrations failed: not serving")
            raise SystemExit(MIGRATIONS_FAILED_EXIT_STATUS) from None
    # Everything loaded so far (the modules, the application, its routes and schemas) lives
    # as long as the process: freezing it takes it out of the garbage collector's reach.
    # Otherwise every full collection walks those ~100,000 objects again, a few percent of
    # the CPU a request costs, and a pause of tens of milliseconds each time.
    gc.freeze()
    _, *older = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS_BEFORE_COLLECTING, *older)
    # log_config=None keeps the logging set up by create_app; the access log comes from
    # app.middlewares.observe, which also records the request id.
    uvicorn.run(app, host=settings.host, port=settings.port, log_config=None, access_log=False)
