"""A generic async repository: the CRUD operations every entity needs."""

from collections.abc import Mapping, Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Entity

ModelT = TypeVar("ModelT", bound=Entity)


class Repository(Generic[ModelT]):
    """CRUD over one model; subclasses set `model` and add their own queries."""

    model: type[ModelT]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, entity_id: int) -> ModelT | None:
        return await self.session.get(self.model, entity_id)

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
        await self.session.flush()
        return instance

    async def update(self, instance: ModelT, values: Mapping[str, Any]) -> ModelT:
        for field, value in values.items():
            setattr(instance, field, value)
        await self.session.flush()
        return instance

    async def delete(self, instance: ModelT) -> None:
        await self.session.delete(instance)
        await self.session.flush()
