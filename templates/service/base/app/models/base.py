"""The declarative base of every model, and the columns most tables share."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, MetaData
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator, TypeEngine

# Deterministic constraint names, so that migrations can refer to (and drop) them on
# every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utc_now() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python.

    PostgreSQL stores it as `timestamp with time zone`. SQLite and MySQL have no such type:
    they store the UTC time without its zone and give back naive values, which are marked
    as UTC again on the way out, so the API returns the same format whatever the database.
    MySQL keeps the microseconds too (DATETIME(6)): a plain DATETIME would round them off.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[datetime]:
        if dialect.name in ("mysql", "mariadb"):
            return dialect.type_descriptor(mysql.DATETIME(timezone=True, fsp=6))
        return super().load_dialect_impl(dialect)

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        # utc_now()'s values are UTC already: converting them would cost every write.
        if value is not None and value.tzinfo is not None and value.tzinfo is not UTC:
            value = value.astimezone(UTC)
        return value

    def result_processor(
        self, dialect: Dialect, coltype: object
    ) -> Callable[[Any], datetime | None]:
        # Values read are marked (or converted to) UTC here rather than in
        # process_result_value: one function call per value instead of the three of
        # TypeDecorator's generic chain, for every timestamp of every row read.
        if dialect.name == "sqlite":
            return from_sqlite_text
        parse = self.impl_instance.result_processor(dialect, coltype)
        if parse is None:  # the driver makes the datetime objects
            return as_utc

        def process(value: Any) -> datetime | None:
            return as_utc(parse(value))

        return process


def as_utc(moment: datetime | None) -> datetime | None:
    """`moment` in UTC; a naive one is taken to be UTC already."""
    if moment is None or moment.tzinfo is UTC:  # PostgreSQL's, as its driver gives them
        return moment
    if moment.tzinfo is None:  # MySQL's
        # combine() rather than replace(tzinfo=UTC), which costs several times as much.
        return datetime.combine(moment, moment.time(), UTC)
    return moment.astimezone(UTC)


def from_sqlite_text(value: Any) -> datetime | None:
    """A timestamp as SQLite gives it back: the text of the UTC time, without its zone
    ("2026-01-02 03:04:05.000006"), parsed with the zone appended, in one step."""
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value + "Z")
    except (TypeError, ValueError):
        # Not the text this type writes: a value another program wrote with its offset,
        # or a connection set up to convert timestamps itself.
        return as_utc(value if isinstance(value, datetime) else datetime.fromisoformat(value))


class Entity(Base):
    """Abstract base of tables with an integer id and creation/update timestamps."""

    __abstract__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    # Set by Python rather than by the database so that the values are known right after
    # a flush, without reading the row back.
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, onupdate=utc_now)
