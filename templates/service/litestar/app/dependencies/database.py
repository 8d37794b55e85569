"""One database session, and one transaction, per request."""

from collections.abc import AsyncIterator

from litestar.datastructures import State
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.sessions import transaction


async def provide_db_session(state: State) -> AsyncIterator[AsyncSession]:
    """Commit when the route succeeds, roll back when it raises.

    Litestar resumes a generator dependency once the handler has returned and before the
    response is sent, and throws the handler's exception into it: a failed commit becomes
    an error response instead of a 2xx for data that was never saved.
    """
    session_factory: async_sessionmaker[AsyncSession] = state.session_factory
    async with transaction(session_factory) as session:
        yield session
