"""Errors that mean the database cannot be reached, rather than that a request is wrong.

The handlers answer them with 503 Service Unavailable (and Retry-After), so that clients
and load balancers retry later instead of reporting a bug. The connection pool checks
connections before use, so the service recovers by itself once the database is back.
"""

from sqlalchemy import exc as sa_exc

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

# Seconds a client should wait before trying again.
RETRY_AFTER_SECONDS = 5
