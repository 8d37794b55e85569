"""The database engine, open while the application runs."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar

from app.core.database import create_engine
from app.core.migrations import migration_heads
from app.core.sessions import create_session_factory
from app.core.telemetry import instrument_engine


@asynccontextmanager
async def database(app: Litestar) -> AsyncIterator[None]:
    # Creating the engine does not connect yet: the service starts even when the database
    # is down, and /health/ready reports it.
    engine = create_engine(app.state.settings.database_url)
    instrument_engine(engine, app.state.tracer_provider)
    app.state.engine = engine
    app.state.session_factory = create_session_factory(engine)
    # What /health/ready compares the database's schema version with; read once.
    app.state.migration_heads = migration_heads()
    try:
        yield
    finally:
        await engine.dispose()
