"""The `accounts` table: who may sign in, with what password and scopes."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Entity
from app.core.limits import NAME_MAX_LENGTH


class Account(Entity):
    __tablename__ = "accounts"

    username: Mapped[str] = mapped_column(sa.String(NAME_MAX_LENGTH), unique=True)
    # An Argon2id hash (app.utils.passwords), never the password.
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    # Space-separated, as in a token's `scope` claim.
    scopes: Mapped[str] = mapped_column(sa.Text, default="")

    def __repr__(self) -> str:
        return f"<Account id={self.id} username={self.username!r}>"
