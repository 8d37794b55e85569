"""Timestamps read from any database are timezone-aware UTC (app.models.base.UtcDateTime)."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.engine import Dialect

from app.models.base import UtcDateTime

MOMENT = datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
# SQLAlchemy leaves this constructor untyped.
POSTGRESQL: Dialect = postgresql.dialect()  # type: ignore[no-untyped-call]


def read(dialect: Dialect, value: object) -> datetime | None:
    process = UtcDateTime().dialect_impl(dialect).result_processor(dialect, None)
    assert process is not None
    return process(value)


def written(dialect: Dialect, value: datetime) -> object:
    process = UtcDateTime().dialect_impl(dialect).bind_processor(dialect)
    return value if process is None else process(value)


@pytest.mark.parametrize(
    "text",
    [
        "2026-01-02 03:04:05.000006",  # as this type writes it
        "2026-01-02 05:04:05.000006+02:00",  # written elsewhere, with an offset
    ],
)
def test_sqlite_text_is_read_as_utc(text: str) -> None:
    moment = read(sqlite.dialect(), text)

    assert moment == MOMENT
    assert moment is not None and moment.tzinfo is UTC


def test_sqlite_reads_back_what_it_wrote() -> None:
    dialect = sqlite.dialect()
    paris = MOMENT.astimezone(timezone(timedelta(hours=1)))

    assert read(dialect, written(dialect, paris)) == MOMENT
    assert read(dialect, None) is None


def test_mysql_naive_values_are_marked_utc() -> None:
    moment = read(mysql.dialect(), MOMENT.replace(tzinfo=None))

    assert moment == MOMENT
    assert moment is not None and moment.tzinfo is UTC
    assert read(mysql.dialect(), None) is None


def test_postgresql_values_are_converted_to_utc() -> None:
    paris = MOMENT.astimezone(timezone(timedelta(hours=1)))

    moment = read(POSTGRESQL, paris)

    assert moment == MOMENT
    assert moment is not None and moment.tzinfo is UTC
    assert read(POSTGRESQL, MOMENT) is MOMENT
