"""scripts/stack.py reports a failed migration as one line, found in a service's output
whether it logs text (a traceback) or JSON (the traceback in the `exception` field)."""

import json

import pytest
from stack import last_error

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
