"""What differs between database servers: creating, dropping and emptying a database."""

from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from shared_testing.database_server import DatabaseServer


class PostgresServer(DatabaseServer):
    label = "PostgreSQL"
    backend = "postgresql"
    driver = "postgresql+asyncpg"
    url_variable = "TEST_POSTGRES_URL"

    def create_database_sql(self, quoted_name: str) -> str:
        return f"CREATE DATABASE {quoted_name}"

    def drop_database_sql(self, quoted_name: str) -> str:
        # FORCE (PostgreSQL 13+) closes connections a failed test may have left open.
        return f"DROP DATABASE IF EXISTS {quoted_name} WITH (FORCE)"

    async def empty_tables(self, connection: AsyncConnection, tables: Sequence[str]) -> None:
        if tables:
            quote = connection.dialect.identifier_preparer.quote
            names = ", ".join(quote(table) for table in tables)
            # Wait for a lock at most 10 s: a connection left open fails the test run
            # instead of hanging it.
            await connection.execute(text("SET LOCAL lock_timeout = '10s'"))
            await connection.execute(text(f"TRUNCATE TABLE {names} RESTART IDENTITY CASCADE"))


class MySQLServer(DatabaseServer):
    """MySQL 8, or MariaDB, through aiomysql."""

    label = "MySQL"
    backend = "mysql"
    driver = "mysql+aiomysql"
    url_variable = "TEST_MYSQL_URL"

    def create_database_sql(self, quoted_name: str) -> str:
        return f"CREATE DATABASE {quoted_name} CHARACTER SET utf8mb4"

    def drop_database_sql(self, quoted_name: str) -> str:
        return f"DROP DATABASE IF EXISTS {quoted_name}"

    async def empty_tables(self, connection: AsyncConnection, tables: Sequence[str]) -> None:
        quote = connection.dialect.identifier_preparer.quote
        # Wait for a lock at most 10 s: a connection left open fails the test run instead
        # of hanging it.
        await connection.execute(text("SET SESSION lock_wait_timeout = 10"))
        await connection.execute(text("SET FOREIGN_KEY_CHECKS = 0"))
        for table in tables:
            # TRUNCATE also restarts the AUTO_INCREMENT ids.
            await connection.execute(text(f"TRUNCATE TABLE {quote(table)}"))
        await connection.execute(text("SET FOREIGN_KEY_CHECKS = 1"))


# The engine ids of the generated project (a service's `db` in the manifest).
SERVERS: dict[str, type[DatabaseServer]] = {"postgres": PostgresServer, "mysql": MySQLServer}
