"""Serve the application with uvicorn, on the host and port of the settings."""

import gc
from collections.abc import Callable
from typing import Any

import uvicorn

from app.core.settings import get_settings

# Objects the interpreter allocates, net of those it frees, before it looks for cycles
# among the newest ones (its default is 700). The requests in flight hold a few hundred
# objects each (ORM rows, schemas, scopes): at the default, a collection ran about once per
# request, for little, as nearly all of them are freed without one. Cyclic garbage still
# gets collected, only later: at most this many objects' worth.
YOUNG_OBJECTS_BEFORE_COLLECTING = 10_000


def serve(app: Callable[..., Any]) -> None:
    settings = get_settings()
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
