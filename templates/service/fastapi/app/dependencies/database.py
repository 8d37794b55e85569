"""One database session, and one transaction, per request."""

from contextlib import AbstractAsyncContextManager

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.sessions import transaction


def request_transaction(request: Request) -> AbstractAsyncContextManager[AsyncSession]:
    """A session on its own transaction: committed when the block succeeds, rolled back
    when it raises. (The transaction itself, not a context manager wrapping it: each
    level costs every request a few calls on the way in and out.)"""
    session_factory: async_sessionmaker[AsyncSession] = request.app.state.session_factory
    return transaction(session_factory)
