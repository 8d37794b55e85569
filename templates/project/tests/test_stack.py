"""scripts/stack.py reports a failed migration as one line, found in a service's output
whether it logs text (a traceback) or JSON (the traceback in the `exception` field); it
tells that failure by the exit status, which scripts/guard.py passes on."""

import json
import subprocess
import sys

import pytest
from stack import GUARD, MIGRATIONS_FAILED_EXIT_STATUS, last_error

TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "migrations/env.py", line 80, in run_migrations_online\n'
    "sqlalchemy.exc.OperationalError: (asyncpg) connection refused"
)
JSON_LINE = json.dumps(
    {"level": "ERROR", "message": "The database migrations failed", "exception": TRACEBACK}
)


@pytest.mark.parametrize(
    "output",
    [
        TRACEBACK,
        JSON_LINE,
        "\n".join(["starting", JSON_LINE, "{not json"]),
        f"{json.dumps({'message': 'ValueError: an earlier one'})}\n{TRACEBACK}",
    ],
    ids=["text", "json", "json among other lines", "after a message that only looks like one"],
)
def test_the_error_is_the_last_error_line_of_the_output(output: str) -> None:
    assert last_error(output) == "OperationalError: (asyncpg) connection refused"


def test_an_output_without_an_error_line_says_so() -> None:
    assert last_error('{"message": "started"}\n{"exception": 3}\nplain text') == "no error message"


@pytest.mark.parametrize("status", [0, 1, MIGRATIONS_FAILED_EXIT_STATUS])
def test_the_guard_exits_with_the_status_of_a_command_that_ends_by_itself(status: int) -> None:
    command = [sys.executable, "-c", f"import sys; sys.exit({status})"]
    # Standard input stays open until the end, as the launcher keeps it while a service runs.
    with subprocess.Popen(
        [sys.executable, str(GUARD), *command], stdin=subprocess.PIPE, stderr=subprocess.PIPE
    ) as guard:
        assert guard.wait(timeout=30) == status
        assert guard.stderr is not None
        assert guard.stderr.read() == b""  # no "Fatal Python error" at the guard's exit
