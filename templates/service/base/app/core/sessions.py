"""The factory of database sessions, and the transaction of one unit of work.

The factory is created once at startup, on the engine of app.core.database (see
`app.events.database`), and stored on the application; each request then gets its own
session from it.
"""

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker


def create_session_factory(
    bind: AsyncEngine | AsyncConnection,
) -> async_sessionmaker[AsyncSession]:
    """Sessions on `bind`: the engine (a connection of its pool each), or one connection."""
    # expire_on_commit=False keeps loaded attributes readable after commit: with asyncio,
    # reloading them implicitly is not possible.
    return async_sessionmaker(bind, expire_on_commit=False)


class Transaction:
    """A new session, committed when the block succeeds, rolled back when it raises.

    A class rather than an `@asynccontextmanager` generator, which costs every request
    (each one opens a transaction) a generator and a few calls on the way in and out.
    """

    __slots__ = ("session", "session_factory")

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self.session_factory = session_factory

    async def __aenter__(self) -> AsyncSession:
        self.session = self.session_factory()
        return self.session

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        session = self.session
        if exc_type is None:
            try:
                await session.commit()
            except BaseException as error:
                await session.__aexit__(type(error), error, error.__traceback__)
                raise
            # The commit ended the transaction and gave the connection back to the pool:
            # closing has nothing left to do on the database, so it needs none of the
            # protection against cancellation of the session's own exit (a task each time).
            await session.close()
            return
        # The session's exit closes it, which rolls the transaction back, and finishes
        # even if the request is cancelled meanwhile.
        await session.__aexit__(exc_type, exc, traceback)


def transaction(session_factory: async_sessionmaker[AsyncSession]) -> Transaction:
    """`async with transaction(factory) as session:` one unit of work."""
    return Transaction(session_factory)
