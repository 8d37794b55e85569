"""What the test databases need of MySQL (or MariaDB): creating, dropping and emptying one.

The rest, the same for every server, is shared_testing.database_server in libs/.
"""

from collections.abc import Sequence

from shared_testing.database_server import DatabaseServer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection


class EngineServer(DatabaseServer):
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
