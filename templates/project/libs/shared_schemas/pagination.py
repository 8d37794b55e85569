"""One page of a list endpoint."""

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

ItemT = TypeVar("ItemT")


class Page(BaseModel, Generic[ItemT]):
    """Items `offset` to `offset + limit` of `total` (e.g. `Page[UserRead]`)."""

    items: list[ItemT]
    total: int = Field(ge=0, description="Number of items across all pages.")
    offset: int = Field(ge=0)
    limit: int = Field(ge=1)
