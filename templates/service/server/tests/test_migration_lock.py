"""Replicas starting together never run the migrations at the same time.

Each one applies the migrations before it serves (`--migrate`, app.core.migrations, or
`alembic upgrade head` in an init container); migrations/env.py takes the
database's migration lock first (app.core.database_locks), so a second run waits for
the first and then finds nothing left to do. Each upgrade here is a process of its own,
as in a deployment.
"""

import asyncio
import subprocess
import sys
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from app.core.database import create_engine
from app.core.database_locks import MIGRATIONS, acquire, release
from tests.test_migrations import differences, run_on

SERVICE_DIR = Path(__file__).resolve().parents[1]
# An upgrade in a process of its own: it imports everything, says "ready", waits for a
# line on stdin (so that several start at the same moment), then upgrades.
UPGRADE = """
import sys
import app.models, app.core.settings
from app.core.migrations import apply_migrations
print("ready", flush=True)
sys.stdin.readline()
apply_migrations(sys.argv[1])
"""
# Long enough for an unguarded upgrade of an empty database to have finished.
WAIT_SECONDS = 3.0
TIMEOUT_SECONDS = 120

Upgrade = subprocess.Popen[str]


def start_upgrade(database_url: str) -> Upgrade:
    """An upgrade process, once it is ready to go."""
    upgrade = subprocess.Popen(
        [sys.executable, "-c", UPGRADE, database_url],
        cwd=SERVICE_DIR,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert upgrade.stdout is not None
    first_line = upgrade.stdout.readline()
    assert first_line == "ready\n", first_line + upgrade.stdout.read()
    return upgrade


def go(upgrade: Upgrade) -> None:
    assert upgrade.stdin is not None
    upgrade.stdin.write("go\n")
    upgrade.stdin.flush()


def finish(upgrade: Upgrade) -> tuple[int, str]:
    output, _ = upgrade.communicate(timeout=TIMEOUT_SECONDS)
    return upgrade.returncode, output


def table_names(connection: Connection) -> list[str]:
    return inspect(connection).get_table_names()


async def upgrade_while_the_lock_is_held(
    database_url: str,
) -> tuple[bool, list[str], int, str]:
    """Hold the lock and start an upgrade beside it: was it still waiting, which tables did
    it make meanwhile, and how did it end once the lock was released."""
    engine = create_engine(database_url)
    async with engine.connect() as holder:
        await holder.run_sync(acquire, MIGRATIONS)
        upgrade = await asyncio.to_thread(start_upgrade, database_url)
        go(upgrade)
        await asyncio.sleep(WAIT_SECONDS)
        waiting = upgrade.poll() is None
        tables_meanwhile = await holder.run_sync(table_names)
        await holder.run_sync(release, MIGRATIONS)
        code, output = await asyncio.to_thread(finish, upgrade)
    await engine.dispose()
    return waiting, tables_meanwhile, code, output


def test_an_upgrade_waits_for_the_lock_then_completes(empty_database_url: str) -> None:
    waiting, tables_meanwhile, code, output = asyncio.run(
        upgrade_while_the_lock_is_held(empty_database_url)
    )

    assert waiting, output
    assert tables_meanwhile == []
    assert code == 0, output
    assert asyncio.run(run_on(empty_database_url, differences)) == []


def test_concurrent_upgrades_all_succeed(empty_database_url: str) -> None:
    upgrades = [start_upgrade(empty_database_url) for _ in range(3)]
    for upgrade in upgrades:
        go(upgrade)
    results = [finish(upgrade) for upgrade in upgrades]

    assert [code for code, _ in results] == [0, 0, 0], results
    assert asyncio.run(run_on(empty_database_url, differences)) == []
