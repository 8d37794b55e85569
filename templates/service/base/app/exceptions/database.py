"""Database errors that are not the request's fault: the handlers answer them with 503.

- The database cannot be reached (DATABASE_UNAVAILABLE_ERRORS): 503 with Retry-After, so
  that clients and load balancers retry later instead of reporting a bug. The connection
  pool discards lost connections (app.core.lost_connections), so the service recovers by
  itself once the database is back.
- The database is reachable but its schema is behind the code (a table or column the
  code uses does not exist): the migrations were not applied. 503 `migrations_pending`,
  whose detail says how to apply them; /health/ready reports it too.

`as_app_error` says which of the two an error is; the framework's handler
(app.exceptions.handlers.database) answers it like any AppError.
"""

import sqlite3
from http import HTTPStatus
from types import MappingProxyType

from sqlalchemy import exc as sa_exc

from app.exceptions.base import AppError

DATABASE_UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (
    # A refused or lost connection (MySQL, PostgreSQL), an unreadable file (SQLite).
    sa_exc.OperationalError,
    # The driver lost its connection under the session.
    sa_exc.InterfaceError,
    # No connection became free in the pool in time.
    sa_exc.TimeoutError,
    # asyncpg raises socket errors and connect timeouts as they are.
    ConnectionError,
    TimeoutError,
)

# Every database error the handlers look at (app.exceptions.handlers.database).
DATABASE_ERRORS: tuple[type[Exception], ...] = (
    *DATABASE_UNAVAILABLE_ERRORS,
    sa_exc.ProgrammingError,
)

# Seconds a client should wait before trying again.
RETRY_AFTER_SECONDS = 5

# "Undefined table" and "undefined column": PostgreSQL's SQLSTATE codes, MySQL's numbers.
POSTGRES_MISSING_SCHEMA = {"42P01", "42703"}
MYSQL_MISSING_SCHEMA = {1146, 1054}
SQLITE_MISSING_SCHEMA = ("no such table", "no such column", "has no column named")


class MigrationsPendingError(AppError):
    status_code = HTTPStatus.SERVICE_UNAVAILABLE
    code = "migrations_pending"
    title = "Service Unavailable"

    def __init__(self) -> None:
        super().__init__(
            "The database schema is behind this version of the service: apply the "
            "migrations with `make migrate` (`alembic upgrade head` in the service)."
        )


class DatabaseUnavailableError(AppError):
    status_code = HTTPStatus.SERVICE_UNAVAILABLE
    code = "database_unavailable"
    title = "Service Unavailable"
    headers = MappingProxyType({"Retry-After": str(RETRY_AFTER_SECONDS)})

    def __init__(self) -> None:
        super().__init__("The database is unavailable; try again later.")


def as_app_error(error: Exception) -> AppError | None:
    """The answer to a database error that is not the request's fault; None for any other
    (invalid SQL, say), which is a bug."""
    if is_schema_missing(error):
        return MigrationsPendingError()
    if isinstance(error, DATABASE_UNAVAILABLE_ERRORS):
        return DatabaseUnavailableError()
    return None


def is_schema_missing(error: Exception) -> bool:
    """Whether `error` says that a table or a column the query uses does not exist."""
    # SQLite reports it as an OperationalError, PostgreSQL and MySQL as a ProgrammingError.
    if not isinstance(error, sa_exc.OperationalError | sa_exc.ProgrammingError):
        return False
    driver_error = error.orig
    if driver_error is None:
        return False
    if isinstance(driver_error, sqlite3.Error):
        return any(phrase in str(driver_error) for phrase in SQLITE_MISSING_SCHEMA)
    if getattr(driver_error, "sqlstate", None) in POSTGRES_MISSING_SCHEMA:
        return True
    # PyMySQL's errors carry (error number, message).
    number = driver_error.args[0] if driver_error.args else None
    return number in MYSQL_MISSING_SCHEMA
