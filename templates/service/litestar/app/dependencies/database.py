"""One database session, and one transaction, per request."""

from collections.abc import AsyncIterator
from typing import Any

from litestar import Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.sessions import Transaction


async def provide_db_session(request: Request[Any, Any, Any]) -> AsyncIterator[AsyncSession]:
    """Commit when the route succeeds, roll back when it raises.

    Litestar resumes a generator dependency once the handler has returned and before the
    response is sent, and throws the handler's exception into it: a failed commit becomes
    an error response instead of a 2xx for data that was never saved.

    The request rather than the application's `state`: Litestar hands a dependency that
    asks for `state` a new State object, built on every request.
    """
    session_factory: async_sessionmaker[AsyncSession] = request.app.state.session_factory
    async with Transaction(session_factory) as session:
        yield session
