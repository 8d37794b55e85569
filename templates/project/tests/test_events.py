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
def events_stack(stack: Stack | None, broker_proxy: TcpProxy | None) -> tuple[Stack, TcpProxy]:
    if BROKER == "none":
        pytest.skip("the project has no broker (create it with --broker)")
    if len(SERVICES) < 2:
        pytest.skip("the project has a single service: no peer receives its events")
    if stack is None:
        pytest.skip("STACK_RUNNING=1: these tests start and stop the services themselves")
    if broker_proxy is None:
        skip_or_fail(f"set TEST_BROKER_URL to a {BROKER} broker to test the events")
    return stack, broker_proxy


PRODUCER, CONSUMER = (SERVICES + SERVICES)[:2]

TABLES = """
import asyncio, json
from sqlalchemy import select
from app.core.database import create_engine
from app.core.settings import get_settings
from app.models import InboxMessage, OutboxMessage

async def main() -> None:
    engine = create_engine(get_settings().database_url)
    async with engine.connect() as connection:
        inbox = (await connection.execute(select(InboxMessage))).all()
        outbox = (await connection.execute(select(OutboxMessage))).all()
    await engine.dispose()
    print(json.dumps({
        "inbox": [{"id": r.event_id, "source": r.source, "type": r.type,
                   "data": json.loads(r.data)} for r in inbox],
        "outbox": [{"id": r.event_id, "type": r.type, "data": json.loads(r.data),
                    "sent": r.sent_at is not None} for r in outbox],
    }))

asyncio.run(main())
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


def run_in(service: Service, stack: Stack, code: str, stdin: bytes = b"") -> str:
    """Run `code` with the service's Python, in its folder, with its environment."""
    result = subprocess.run(
        [str(service.python), "-c", code],
        cwd=service.directory,
        env=stack.environments[service.name],
        input=stdin,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout.decode()


def tables(service: Service, stack: Stack) -> dict[str, list[dict[str, Any]]]:
    result: dict[str, list[dict[str, Any]]] = json.loads(run_in(service, stack, TABLES))
    return result


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


def received(stack: Stack, name: str) -> list[dict[str, Any]]:
    """The consumer's inbox rows about the producer's item `name`."""
    return [
        row
        for row in tables(CONSUMER, stack)["inbox"]
        if row["source"] == PRODUCER.name and row["data"].get("name") == name
    ]


def wait_received(stack: Stack, name: str) -> list[dict[str, Any]]:
    return eventually(
        lambda: received(stack, name) or None, f"{CONSUMER.name} did not receive {name}"
    )


def test_a_created_item_lands_in_the_peers_inbox(
    events_stack: tuple[Stack, TcpProxy], http: httpx.Client
) -> None:
    stack, _ = events_stack
    name = create(stack, http)

    rows = wait_received(stack, name)

    assert len(rows) == 1
    assert rows[0]["type"].endswith(".created")
    outbox = [row for row in tables(PRODUCER, stack)["outbox"] if row["id"] == rows[0]["id"]]
    assert outbox and outbox[0]["sent"], outbox


def test_an_event_sent_while_the_consumer_is_down_arrives_once_after_its_restart(
    events_stack: tuple[Stack, TcpProxy], http: httpx.Client
) -> None:
    stack, _ = events_stack
    stack.stop(CONSUMER)
    try:
        name = create(stack, http)
        # Published (the broker confirmed it) while nobody consumed it.
        eventually(
            lambda: next(
                (
                    True
                    for row in tables(PRODUCER, stack)["outbox"]
                    if row["data"].get("name") == name and row["sent"]
                ),
                None,
            ),
            f"{PRODUCER.name} did not publish {name}",
        )
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
    assert all(row["id"] != "malformed-1" for row in tables(CONSUMER, stack)["inbox"])
