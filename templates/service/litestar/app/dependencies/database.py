"""One database session, and one transaction, per request."""

from collections.abc import AsyncIterator, Callable

from litestar.datastructures import State
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.sessions import Transaction

SessionProvider = Callable[[], AsyncIterator[AsyncSession]]


def db_session_provider(state: State) -> SessionProvider:
    """The provider of the request's session, on the session factory the application's
    startup puts in `state` (the application's own State, passed to Litestar).

    Commit when the route succeeds, roll back when it raises: Litestar resumes a generator
    dependency once the handler has returned and before the response is sent, and throws
    the handler's exception into it, so a failed commit becomes an error response instead
    of a 2xx for data that was never saved.

    A provider without parameters: Litestar validates the arguments of a provider that has
    some against its signature on every request (asking for the request or for `state`
    would cost that, and `state` a new State object each time besides).
    """

    async def provide_db_session() -> AsyncIterator[AsyncSession]:
        session_factory: async_sessionmaker[AsyncSession] = state.session_factory
        async with Transaction(session_factory) as session:
            yield session

    return provide_db_session
