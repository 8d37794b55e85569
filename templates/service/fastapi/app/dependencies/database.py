"""One database session, and one transaction, per request."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.sessions import transaction


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """Commit when the route succeeds, roll back when it raises."""
    session_factory: async_sessionmaker[AsyncSession] = request.app.state.session_factory
    async with transaction(session_factory) as session:
        yield session


# scope="function" ends the dependency when the route function returns, before the
# response is sent: a failed commit becomes an error response instead of a 2xx for
# data that was never saved. (The default, "request", ends it after the response.)
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
