"""The reference of the service bench: the same API as a generated `users` service, in one file.

The same table, the same queries, Pydantic output, one session per request; none of the
layers, middlewares or error handling. Run with the generated service's environment:
    DATABASE_URL=sqlite+aiosqlite:///./users.db uvicorn one_file_fastapi:app
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException
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


Session = Annotated[AsyncSession, Depends(session)]


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    yield
    await engine.dispose()


app = FastAPI(lifespan=lifespan)


@app.get("/api/v1/users")
async def list_users(db: Session, offset: int = 0, limit: int = 20) -> Page:
    items = await db.scalars(select(User).order_by(User.id).offset(offset).limit(limit))
    total = await db.scalar(select(func.count()).select_from(User)) or 0
    return Page(
        items=[UserRead.model_validate(item) for item in items],
        total=total,
        offset=offset,
        limit=limit,
    )


@app.get("/api/v1/users/{user_id}")
async def get_user(user_id: int, db: Session) -> UserRead:
    user = await db.get(User, user_id)
    if user is None:
        raise HTTPException(404)
    return UserRead.model_validate(user)


@app.post("/api/v1/users", status_code=201)
async def create_user(data: UserCreate, db: Session) -> UserRead:
    user = User(**data.model_dump())
    db.add(user)
    try:
        await db.commit()
    except IntegrityError as error:
        raise HTTPException(409) from error
    return UserRead.model_validate(user)
