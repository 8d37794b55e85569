"""One database session, and one transaction, per request."""

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.sessions import Transaction


def request_transaction(request: Request) -> Transaction:
    """A session on its own transaction: committed when the block succeeds, rolled back
    when it raises. (The transaction itself, not a context manager wrapping it: each
    level costs every request a few calls on the way in and out.)"""
    session_factory: async_sessionmaker[AsyncSession] = request.app.state.session_factory
    return Transaction(session_factory)
