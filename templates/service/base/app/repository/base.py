"""A generic async repository: the CRUD operations every entity needs.

Writes address rows by id in a single statement (`UPDATE ... WHERE id = ...`), and say
whether a row matched: a row another request deleted a moment ago is "not found" for the
caller, never an error of the ORM. Constraint violations are raised as
`ConstraintViolationError`, so that services handle them without importing SQLAlchemy.
"""

from collections.abc import Awaitable, Mapping, Sequence
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import Delete, Update, delete, func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Entity
from app.repository.errors import ConstraintViolationError

ModelT = TypeVar("ModelT", bound=Entity)


class Repository(Generic[ModelT]):
    """CRUD over one model; subclasses set `model` and add their own queries."""

    model: type[ModelT]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def get(self, entity_id: int) -> Awaitable[ModelT | None]:
        # The session's coroutine itself, not one more around it: each coroutine between
        # the route and the database is resumed again on every database round trip.
        return self.session.get(self.model, entity_id)

    async def get_many(self, *, offset: int, limit: int) -> Sequence[ModelT]:
        query = select(self.model).order_by(self.model.id).offset(offset).limit(limit)
        result = await self.session.scalars(query)
        return result.all()

    async def count(self) -> int:
        total = await self.session.scalar(select(func.count()).select_from(self.model))
        return total or 0

    async def add(self, instance: ModelT) -> ModelT:
        self.session.add(instance)
        # Flush now so that database errors (a unique constraint, say) surface here and
        # generated values (id, timestamps) are set on the instance.
        try:
            await self.session.flush()
        except IntegrityError as error:
            raise constraint_violation(error) from error
        return instance

    async def update(self, entity_id: int, values: Mapping[str, Any]) -> ModelT | None:
        """Change the row `entity_id` and return it as stored; None if there is no such
        row (any more)."""
        if values:
            statement = (
                update(self.model)
                .where(self.model.id == entity_id)
                .values(**values)
                # The row is read back below; nothing in the session needs adjusting.
                .execution_options(synchronize_session=False)
            )
            try:
                matched = await self.rows_matched(statement)
            except IntegrityError as error:
                raise constraint_violation(error) from error
            if matched == 0:
                return None
        # The UPDATE holds the row's lock until commit: a concurrent DELETE waits, so the
        # row is still there to be read. populate_existing replaces the session's copy.
        return await self.session.get(self.model, entity_id, populate_existing=True)

    async def delete(self, entity_id: int) -> bool:
        """Delete the row `entity_id`; False if there was no such row (any more)."""
        statement = (
            delete(self.model)
            .where(self.model.id == entity_id)
            .execution_options(synchronize_session=False)
        )
        return await self.rows_matched(statement) > 0

    async def rows_matched(self, statement: Update | Delete) -> int:
        """Run an UPDATE or DELETE; the number of rows its WHERE clause matched."""
        result = cast(CursorResult[Any], await self.session.execute(statement))
        return result.rowcount


def constraint_violation(error: IntegrityError) -> ConstraintViolationError:
    """The error services handle for a write a constraint of the table refused. (Raised
    from an `except` in each write rather than by a context manager around it: one
    generator and a few calls fewer on every create.)"""
    return ConstraintViolationError(str(error.orig))
