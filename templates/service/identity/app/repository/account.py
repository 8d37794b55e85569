"""Queries on the `accounts` table."""

from sqlalchemy import select

from app.models import Account
from app.repository.base import Repository


class AccountRepository(Repository[Account]):
    model = Account

    async def get_by_username(self, username: str) -> Account | None:
        query = select(Account).where(Account.username == username)
        result = await self.session.scalars(query)
        return result.one_or_none()
