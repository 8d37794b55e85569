"""Throwaway databases on a real database server, for the tests.

Which server, and with which account: the first of

1. `TEST_DATABASE_URL`, when it names a server of this service's engine;
2. the engine's own variable (`TEST_POSTGRES_URL`, `TEST_MYSQL_URL`), so that one run can
   test services on different engines;
3. the service's own `DATABASE_URL` setting (its `.env`): the docker compose container of
   the service, on its published port.

The account must be allowed to create databases. Each test run creates its own database,
`<service>_test_<8 hex digits>`, with the tables of the models (created once, for the whole
run), and drops it at the end:
the service's own data is never touched. Each test then finds the tables empty: the rows
a test commits (through the real application, with its own engine) are deleted after it.

When the server cannot be reached, or the account may not create databases, the tests
that need a database are skipped with a message saying how to fix it; with REQUIRE_DB=1
they fail instead. The other tests run all the same.

What differs between engines is a subclass of DatabaseServer in each service's
tests/database_engine.py (from its engine's template); the fixtures are in
shared_testing.fixtures, the pytest plugin. A service's tests/database.py loads the plugin,
provides the `database_server` fixture they are built on, and serves scripts/stack.py (the
end-to-end tests of the repository) on the command line:

    python -m tests.database create        # prints the URL of a new, empty database
    python -m tests.database drop NAME     # drops it
"""

import asyncio
import os
import secrets
import sys
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import NoReturn

import pytest
from sqlalchemy import URL, Connection, MetaData, make_url, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

GENERIC_URL_VARIABLE = "TEST_DATABASE_URL"
# When set (REQUIRE_DB=1), a missing server fails the tests instead of skipping them.
REQUIRE_VARIABLE = "REQUIRE_DB"
# Exit status of `python -m tests.database create` when no database can be created.
UNAVAILABLE_EXIT_STATUS = 3


class ServerUnavailable(Exception):  # noqa: N818 (a condition, not a programming error)
    """No database can be created for the tests; the message says why and what to do."""


def database_is_required() -> bool:
    return os.environ.get(REQUIRE_VARIABLE, "").lower() not in {"", "0", "false", "no"}


@dataclass(frozen=True)
class ServiceDatabase:
    """What the plugin needs to know of the service under test."""

    # The service's Python module: its test databases are named `<module>_test_<hex>`.
    module: str
    # The docker compose service of its database container (for the skip messages).
    container: str
    # Its own DATABASE_URL setting, read only when no test URL is set.
    settings_url: Callable[[], str]
    # The tables of its models.
    metadata: MetaData
    # Creates those tables on an empty database, as its migrations leave it (the head
    # revision stamped): run once per test run, on the run's database.
    create_schema: Callable[[Connection], None]
    # How it creates engines (its pool and connection settings).
    create_engine: Callable[[str], AsyncEngine]


@dataclass(frozen=True)
class ServerChoice:
    """The server the tests use, and where its URL came from."""

    url: URL
    source: str
    is_service_default: bool


class DatabaseServer(ABC):
    """How the tests create, empty and drop databases on one kind of server."""

    label: str  # "PostgreSQL"
    backend: str  # SQLAlchemy's name of the engine: "postgresql"
    driver: str  # the async driver the service uses: "postgresql+asyncpg"
    url_variable: str  # "TEST_POSTGRES_URL"

    def __init__(self, service: ServiceDatabase) -> None:
        self.service = service

    # -- what differs between engines --------------------------------------------------

    @abstractmethod
    def create_database_sql(self, quoted_name: str) -> str: ...

    @abstractmethod
    def drop_database_sql(self, quoted_name: str) -> str: ...

    @abstractmethod
    async def empty_tables(self, connection: AsyncConnection, tables: Sequence[str]) -> None:
        """Delete every row of `tables` and restart their ids, in one go."""

    # -- the same for every engine -----------------------------------------------------

    def choose(self) -> ServerChoice:
        """The server to create test databases on (see the module's docstring)."""
        for variable in (GENERIC_URL_VARIABLE, self.url_variable):
            value = os.environ.get(variable)
            if not value:
                continue
            url = make_url(value)
            if url.get_backend_name() == self.backend:
                return ServerChoice(self.with_driver(url), variable, is_service_default=False)
        own = make_url(self.service.settings_url())
        if own.get_backend_name() != self.backend:
            raise ServerUnavailable(
                f"the service's DATABASE_URL is not a {self.label} URL: set "
                f"{self.url_variable} to a {self.label} account allowed to create databases"
            )
        return ServerChoice(self.with_driver(own), "DATABASE_URL", is_service_default=True)

    def with_driver(self, url: URL) -> URL:
        # `postgresql://...` or `mysql://...` are accepted: the service's async driver is used.
        return url.set(drivername=self.driver)

    def new_database_name(self) -> str:
        return f"{self.service.module}_test_{secrets.token_hex(4)}"

    @asynccontextmanager
    async def connect(self, choice: ServerChoice) -> AsyncIterator[AsyncConnection]:
        """A connection to the server, outside any transaction (CREATE DATABASE needs it)."""
        engine = self.service.create_engine(as_string(choice.url))
        try:
            try:
                connection = await engine.connect()
            except (SQLAlchemyError, OSError) as error:
                raise ServerUnavailable(self.unreachable_message(choice, error)) from error
            try:
                yield await connection.execution_options(isolation_level="AUTOCOMMIT")
            finally:
                await connection.close()
        finally:
            await engine.dispose()

    async def problem(self) -> str | None:
        """Why no test database can be had, if the server cannot even be reached."""
        try:
            async with self.connect(self.choose()):
                return None
        except ServerUnavailable as error:
            return str(error)

    async def create_database(self) -> URL:
        """Create a new, empty database on the chosen server; return its URL."""
        choice = self.choose()
        name = self.new_database_name()
        async with self.connect(choice) as connection:
            quoted = connection.dialect.identifier_preparer.quote(name)
            try:
                await connection.execute(text(self.create_database_sql(quoted)))
            except SQLAlchemyError as error:
                raise ServerUnavailable(self.refused_message(choice, error)) from error
        return choice.url.set(database=name)

    async def drop_database(self, name: str) -> None:
        """Drop a database `create_database` made (and nothing else)."""
        if not name.startswith(f"{self.service.module}_test_"):
            raise ValueError(f"refusing to drop {name!r}: not a test database of this service")
        # Connected to the server's own database, not to the one being dropped.
        async with self.connect(self.choose()) as connection:
            quoted = connection.dialect.identifier_preparer.quote(name)
            await connection.execute(text(self.drop_database_sql(quoted)))

    # -- messages ----------------------------------------------------------------------

    def where(self, url: URL) -> str:
        return f"{self.label} at {url.host or 'localhost'}:{url.port or 'default port'}"

    def how_to_fix(self, choice: ServerChoice) -> str:
        if choice.is_service_default:
            return (
                f"start it with 'docker compose up -d {self.service.container}', or set "
                f"{GENERIC_URL_VARIABLE} (or {self.url_variable}) to an account allowed "
                "to create databases"
            )
        return f"check {choice.source}, or start the server it names"

    def unreachable_message(self, choice: ServerChoice, error: BaseException) -> str:
        if is_network_error(error):
            return f"{self.where(choice.url)} is not reachable: {self.how_to_fix(choice)}"
        return (
            f"{self.where(choice.url)} refused the login of {choice.url.username!r} "
            f"({short_reason(error)}): {self.how_to_fix(choice)}"
        )

    def refused_message(self, choice: ServerChoice, error: BaseException) -> str:
        return (
            f"{self.where(choice.url)}: user {choice.url.username!r} may not create databases "
            f"({short_reason(error)}): set {GENERIC_URL_VARIABLE} (or {self.url_variable}) "
            "to an account allowed to create databases"
        )


def is_network_error(error: BaseException) -> bool:
    """Whether `error`, or an error that caused it, is a network error (refused, timeout)."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, OSError):  # TimeoutError and ConnectionError included
            return True
        cause = cause.orig if isinstance(cause, DBAPIError) else cause.__cause__
    return False


def short_reason(error: BaseException) -> str:
    """The driver's own message, on one line, without SQLAlchemy's wrapping."""
    original = error.orig if isinstance(error, DBAPIError) and error.orig else error
    match original.args:
        case (int(), str(message)):  # PyMySQL's (error number, message)
            reason = message
        case _:
            reason = str(original)
    lines = reason.strip().splitlines()
    return lines[0] if lines else type(original).__name__


def skip_or_fail(message: str) -> NoReturn:
    if database_is_required():
        pytest.fail(f"{message} ({REQUIRE_VARIABLE} is set)", pytrace=False)
    pytest.skip(message)


def as_string(url: URL) -> str:
    return url.render_as_string(hide_password=False)


# -- collection: what tests/database.py hooks into pytest ------------------------------


def skip_when_unreachable(server: DatabaseServer, items: list[pytest.Item]) -> None:
    """Skip the collected tests that need the server, all at once, if it cannot be reached.

    (`run_database` would skip them too, but one by one: pytest would then print a line per
    test.) With REQUIRE_DB=1 they are left to fail.
    """
    needing = [item for item in items if "run_database" in getattr(item, "fixturenames", ())]
    if not needing or database_is_required():
        return
    problem = asyncio.run(server.problem())
    if problem is not None:
        for item in needing:
            item.add_marker(pytest.mark.skip(reason=problem))


# -- command line (for scripts/stack.py) -------------------------------------------------


def main(server: DatabaseServer, arguments: Sequence[str] | None = None) -> int:
    """`create`: print the URL of a new database; `drop NAME`: drop it."""
    arguments = list(sys.argv[1:] if arguments is None else arguments)
    if arguments == ["create"]:
        try:
            url = asyncio.run(server.create_database())
        except ServerUnavailable as error:
            print(error, file=sys.stderr)
            return UNAVAILABLE_EXIT_STATUS
        print(as_string(url))
        return 0
    if len(arguments) == 2 and arguments[0] == "drop":
        asyncio.run(server.drop_database(arguments[1]))
        return 0
    print("usage: python -m tests.database create | drop NAME", file=sys.stderr)
    return 2
