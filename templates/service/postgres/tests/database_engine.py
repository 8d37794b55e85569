"""What the test databases need of PostgreSQL: creating, dropping and emptying one.

The rest, the same for every server, is shared_testing.database_server in libs/.
"""

from collections.abc import Sequence

from shared_testing.database_server import DatabaseServer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection


class EngineServer(DatabaseServer):
    """PostgreSQL, through asyncpg."""

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
