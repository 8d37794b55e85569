"""The reference of the service bench: the same API as a generated `users` service, in one file.

The same table, the same queries, Pydantic output, one session per request; none of the
layers, middlewares or error handling. Run with the generated service's environment:
    DATABASE_URL=sqlite+aiosqlite:///./users.db uvicorn one_file_litestar:app
"""

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from litestar import Litestar, get, post
from litestar.di import Provide
from litestar.exceptions import HTTPException
from pydantic import BaseModel, ConfigDict
from sqlalchemy import DateTime, String, Text, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

engine = create_async_engine(os.environ["DATABASE_URL"])
sessions = async_sessionmaker(engine, expire_on_commit=False)


class Base(DeclarativeBase):
    pass


def utc_now() -> datetime:
    return datetime.now(UTC)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class UserCreate(BaseModel):
    name: str
    description: str | None = None


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    description: str | None
    created_at: datetime
    updated_at: datetime


class Page(BaseModel):
    items: list[UserRead]
    total: int
    offset: int
    limit: int


async def session() -> AsyncIterator[AsyncSession]:
    async with sessions() as db:
        yield db


@get("/api/v1/users")
async def list_users(db: AsyncSession, offset: int = 0, limit: int = 20) -> Page:
    items = await db.scalars(select(User).order_by(User.id).offset(offset).limit(limit))
    total = await db.scalar(select(func.count()).select_from(User)) or 0
    return Page(
        items=[UserRead.model_validate(item) for item in items],
        total=total,
        offset=offset,
        limit=limit,
    )


@get("/api/v1/users/{user_id:int}")
async def get_user(user_id: int, db: AsyncSession) -> UserRead:
    user = await db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404)
    return UserRead.model_validate(user)


@post("/api/v1/users")
async def create_user(data: UserCreate, db: AsyncSession) -> UserRead:
    user = User(**data.model_dump())
    db.add(user)
    try:
        await db.commit()
    except IntegrityError as error:
        raise HTTPException(status_code=409) from error
    return UserRead.model_validate(user)


async def dispose() -> None:
    await engine.dispose()


app = Litestar(
    route_handlers=[list_users, get_user, create_user],
    dependencies={"db": Provide(session)},
    on_shutdown=[dispose],
)
