"""SQLAlchemy ORM models: one class per table.

Every model must be imported here: Alembic's autogenerate and the tests find the tables
through `Base.metadata`, which only knows the models that were imported.
"""

from app.models.base import Base, Entity
from app.models.account import Account
from app.models.user import User

__all__ = ["Account", "Base", "Entity", "User"]
