"""One database session, and one transaction, per request."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.sessions import transaction


@asynccontextmanager
async def request_transaction(request: Request) -> AsyncIterator[AsyncSession]:
    """A session on its own transaction: committed when the block succeeds, rolled back
    when it raises."""
    session_factory: async_sessionmaker[AsyncSession] = request.app.state.session_factory
    async with transaction(session_factory) as session:
        yield session
