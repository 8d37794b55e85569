"""Events between the services on a real broker: the outbox, the relay and the inbox.

They need the broker of TEST_BROKER_URL (its URL as the services take it: amqp://...,
nats://... or redis://...); without it they are skipped, saying so, and with
REQUIRE_BROKER=1 they fail instead. The services reach the broker through a TCP proxy
(tests/tcp_proxy.py) that a test cuts to take the broker away. What a service received is
read from its inbox table, with the service's own Python and settings.
"""

import json
import os
import subprocess
import time
import uuid
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import httpx
import pytest
from stack import Service, Stack, read_broker, read_services
from tcp_proxy import TcpProxy

SERVICES = read_services()
BROKER = read_broker()
# How long an event may take to cross: the relay polls every 0.5 s, and backs off up to
# 10 s while the broker is away.
DELIVERY_TIMEOUT_SECONDS = 60.0
T = TypeVar("T")


def skip_or_fail(message: str) -> NoReturn:
    if os.environ.get("REQUIRE_BROKER", "").lower() not in {"", "0", "false", "no"}:
        pytest.fail(f"{message} (REQUIRE_BROKER is set)", pytrace=False)
    pytest.skip(message)


@pytest.fixture
def events_stack(stack: Stack, broker_proxy: TcpProxy | None) -> tuple[Stack, TcpProxy]:
    if BROKER == "none":
        pytest.skip("the project has no broker (create it with --broker)")
    if len(SERVICES) < 2:
        pytest.skip("the project has a single service: no peer receives its events")
    if os.environ.get("STACK_RUNNING") == "1":
        pytest.skip("STACK_RUNNING=1: these tests start and stop the services themselves")
    if broker_proxy is None:
        skip_or_fail(f"set TEST_BROKER_URL to a {BROKER} broker to test the events")
    return stack, broker_proxy


PRODUCER, CONSUMER = (SERVICES + SERVICES)[:2]

# Run with the service's Python: waits until the table has a row whose data has the `name`
# (the inbox: received from `source`; the outbox: sent), then prints the rows about it.
WAIT_FOR_ROWS = """
import asyncio, json, sys, time
from sqlalchemy import select
from app.core.database import create_engine
from app.core.settings import get_settings
from app.models import InboxMessage, OutboxMessage

table, source, name, timeout = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])

async def rows() -> list[dict[str, object]]:
    model = InboxMessage if table == "inbox" else OutboxMessage
    async with engine.connect() as connection:
        found = (await connection.execute(select(model))).all()
    return [
        {"id": row.event_id, "type": row.type, "data": json.loads(row.data),
         "source": getattr(row, "source", None), "sent": getattr(row, "sent_at", True) is not None}
        for row in found
    ]

def about(row: dict[str, object]) -> bool:
    data = row["data"]
    matches = isinstance(data, dict) and data.get("name") == name
    return matches and (row["source"] == source if table == "inbox" else bool(row["sent"]))

async def main() -> None:
    deadline = time.monotonic() + timeout
    while True:
        found = [row for row in await rows() if about(row)]
        if found or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.2)
    print(json.dumps(found))

engine = create_engine(get_settings().database_url)
try:
    asyncio.run(main())
finally:
    asyncio.run(engine.dispose())
"""

PUBLISH_RAW = """
import asyncio, sys
from app.core.settings import get_settings
from app.messaging import broker as client

async def main() -> None:
    settings = get_settings()
    broker = client.create_broker(settings.broker_url)
    await broker.start()
    await client.declare(broker, settings.events_namespace)
    await client.publish(
        broker, settings.events_namespace, settings.service_name, "thing.created",
        sys.stdin.buffer.read(), "malformed-1",
    )
    await broker.stop()

asyncio.run(main())
"""


def run_in(service: Service, stack: Stack, code: str, *args: str, stdin: bytes = b"") -> str:
    """Run `code` with the service's Python, in its folder, with its environment."""
    result = subprocess.run(
        [str(service.python), "-c", code, *args],
        cwd=service.directory,
        env=stack.environments[service.name],
        input=stdin,
        capture_output=True,
        timeout=DELIVERY_TIMEOUT_SECONDS + 30,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout.decode()


def wait_for_rows(service: Service, stack: Stack, table: str, name: str) -> list[dict[str, Any]]:
    """The rows of `table` about the producer's item `name`, once there are any (or none,
    after DELIVERY_TIMEOUT_SECONDS)."""
    output = run_in(
        service, stack, WAIT_FOR_ROWS, table, PRODUCER.name, name, str(DELIVERY_TIMEOUT_SECONDS)
    )
    rows: list[dict[str, Any]] = json.loads(output)
    return rows


def eventually(check: Callable[[], T | None], what: str) -> T:
    """The first non-None answer of `check`, asked until DELIVERY_TIMEOUT_SECONDS."""
    deadline = time.monotonic() + DELIVERY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        answer = check()
        if answer is not None:
            return answer
        time.sleep(0.5)
    pytest.fail(f"{what} within {DELIVERY_TIMEOUT_SECONDS} s")


def create(stack: Stack, http: httpx.Client) -> str:
    """Create an item in the producer; its unique name."""
    name = f"event {uuid.uuid4().hex[:8]}"
    response = http.post(
        f"{stack.urls[PRODUCER.name]}/api/v1/{PRODUCER.route_path}", json={"name": name}
    )
    assert response.status_code == 201, response.text
    return name


def wait_received(stack: Stack, name: str) -> list[dict[str, Any]]:
    rows = wait_for_rows(CONSUMER, stack, "inbox", name)
    assert rows, f"{CONSUMER.name} did not receive {name} within {DELIVERY_TIMEOUT_SECONDS} s"
    return rows


def test_a_created_item_lands_in_the_peers_inbox(
    events_stack: tuple[Stack, TcpProxy], http: httpx.Client
) -> None:
    stack, _ = events_stack
    name = create(stack, http)

    rows = wait_received(stack, name)

    assert len(rows) == 1
    assert rows[0]["type"].endswith(".created")
    sent = wait_for_rows(PRODUCER, stack, "outbox", name)
    assert [row["id"] for row in sent] == [rows[0]["id"]]


def test_an_event_sent_while_the_consumer_is_down_arrives_once_after_its_restart(
    events_stack: tuple[Stack, TcpProxy], http: httpx.Client
) -> None:
    stack, _ = events_stack
    stack.stop(CONSUMER)
    try:
        name = create(stack, http)
        # Published (the broker confirmed it) while nobody consumed it.
        assert wait_for_rows(PRODUCER, stack, "outbox", name), f"{name} was not published"
    finally:
        stack.restart(CONSUMER)

    assert len(wait_received(stack, name)) == 1


def test_events_survive_the_broker_going_away_and_coming_back(
    events_stack: tuple[Stack, TcpProxy], http: httpx.Client
) -> None:
    stack, proxy = events_stack
    ready = f"{stack.urls[PRODUCER.name]}/health/ready"
    proxy.cut()
    try:
        names = [create(stack, http) for _ in range(3)]

        def unavailable() -> dict[str, Any] | None:
            answer = http.get(ready)
            return answer.json() if answer.status_code == 503 else None

        report = eventually(unavailable, f"{PRODUCER.name} did not report the broker unavailable")
        assert report["checks"]["broker"] == "unavailable"
    finally:
        proxy.restore()

    for name in names:
        assert len(wait_received(stack, name)) == 1
    eventually(
        lambda: True if http.get(ready).status_code == 200 else None,
        f"{PRODUCER.name} did not report the broker back",
    )


def test_a_malformed_message_is_survived(
    events_stack: tuple[Stack, TcpProxy], http: httpx.Client
) -> None:
    stack, _ = events_stack
    run_in(PRODUCER, stack, PUBLISH_RAW, stdin=b"{this is not an event")

    # The consumer is still there, and still handles the next event.
    name = create(stack, http)
    assert len(wait_received(stack, name)) == 1
    assert CONSUMER.name not in stack.exited()
    assert stack.work_dir is not None
    log = (stack.work_dir / f"{CONSUMER.name}.log").read_text(encoding="utf-8", errors="replace")
    assert "not a valid event" in log
