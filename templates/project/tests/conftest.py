"""Fixtures of the end-to-end tests: the services, running as real processes.

By default the tests start every service listed in .layered-backend.json (see
scripts/stack.py) on free ports with throwaway databases, and stop them afterwards.
A service on a database server gets a database created for the run on the server its own
tests use; when that server cannot be reached the tests are skipped, saying how to start
it (with REQUIRE_DB=1 they fail instead).
In a project with a broker, the services exchange events on the broker of TEST_BROKER_URL,
through a TCP proxy (tests/tcp_proxy.py) that tests/test_events.py cuts and restores, in a
namespace of their own; without TEST_BROKER_URL their events stay in their outboxes.
To test a stack that is already running instead (for example `docker compose up
--wait`), set STACK_RUNNING=1: the services are then expected on the manifest's ports
of STACK_HOST (default 127.0.0.1).
"""

import os
import secrets
import subprocess
import urllib.parse
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import NoReturn

import httpx
import pytest
from otlp_receiver import OtlpReceiver, running_receiver, telemetry_environment
from stack import (
    DatabaseUnavailable,
    Service,
    Stack,
    create_account,
    read_broker,
    read_identity_service,
    read_services,
    running_stack,
)
from tcp_proxy import TcpProxy

SERVICES = read_services()
# The service that issues access tokens, when the services need them (--auth jwt).
IDENTITY = read_identity_service()
# The broker the services exchange events on (--broker), or "none".
BROKER = read_broker()


def skip_or_fail(message: str) -> NoReturn:
    if os.environ.get("REQUIRE_DB", "").lower() not in {"", "0", "false", "no"}:
        pytest.fail(f"{message} (REQUIRE_DB is set)", pytrace=False)
    pytest.skip(message)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that takes a `service` argument once per service."""
    if "service" in metafunc.fixturenames:
        metafunc.parametrize("service", SERVICES, ids=[service.name for service in SERVICES])


@pytest.fixture(scope="session")
def stack_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the services started here write their output: <service>.log."""
    return tmp_path_factory.mktemp("stack")


@pytest.fixture(scope="session")
def otlp_receiver() -> Iterator[OtlpReceiver]:
    """Where the services started here export their traces."""
    with running_receiver() as receiver:
        yield receiver


@pytest.fixture(scope="session")
def urls(stack: Stack) -> dict[str, str]:
    """Service name -> base URL of every service, up and ready."""
    return stack.urls


@pytest.fixture(scope="session")
def broker_proxy() -> Iterator[TcpProxy | None]:
    """The proxy to the test broker; None without a broker or without TEST_BROKER_URL."""
    url = os.environ.get("TEST_BROKER_URL")
    if BROKER == "none" or not url:
        yield None
        return
    parts = urllib.parse.urlsplit(url)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 0)
    try:
        yield proxy
    finally:
        proxy.close()


def proxied(url: str, port: int) -> str:
    """`url` with its host and port replaced by the proxy's (credentials kept)."""
    parts = urllib.parse.urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    netloc = f"{credentials}@127.0.0.1:{port}" if credentials else f"127.0.0.1:{port}"
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


# Run with a service's Python: deletes this run's exchange and queues, stream or keys.
FORGET = """
import asyncio, sys
from app.core.settings import get_settings
from app.messaging import broker as client

settings = get_settings()
asyncio.run(client.forget(settings.broker_url, settings.events_namespace, sys.argv[1:]))
"""


def forget_events(stack: Stack) -> None:
    """Leave nothing of this run on the broker (once the services are stopped: running, they
    would declare again what is deleted)."""
    service = SERVICES[0]
    subprocess.run(
        [str(service.python), "-c", FORGET, *(other.name for other in SERVICES)],
        cwd=service.directory,
        env=stack.environments[service.name],
        check=True,
        capture_output=True,
        timeout=60,
    )


# Names this run's exchange, stream or keys on the broker: runs never see each other's events.
EVENTS_NAMESPACE = f"e2e_{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def stack(
    stack_dir: Path, otlp_receiver: OtlpReceiver, broker_proxy: TcpProxy | None
) -> Iterator[Stack]:
    """Every service, up and ready (started here, or already running: then only its URLs
    are known, and `environments` is empty)."""
    if os.environ.get("STACK_RUNNING") == "1":
        host = os.environ.get("STACK_HOST", "127.0.0.1")
        yield Stack(urls={service.name: f"http://{host}:{service.port}" for service in SERVICES})
        return
    work_dir = stack_dir
    with ExitStack() as exit_stack:
        # Traces to the test receiver, JSON logs: what tests/test_observability.py reads.
        environment = exit_stack.enter_context(pytest.MonkeyPatch.context())
        for name, value in telemetry_environment(SERVICES, otlp_receiver.endpoint).items():
            environment.setenv(name, value)
        if BROKER != "none":
            url = os.environ.get("TEST_BROKER_URL", "")
            for service in SERVICES:
                # Empty without a test broker: the services keep their events in the outbox.
                broker_url = proxied(url, broker_proxy.port) if broker_proxy and url else ""
                environment.setenv(f"{service.env_prefix}BROKER_URL", broker_url)
                environment.setenv(f"{service.env_prefix}EVENTS_NAMESPACE", EVENTS_NAMESPACE)
        try:
            started = exit_stack.enter_context(
                running_stack(SERVICES, isolated=True, work_dir=work_dir)
            )
        except DatabaseUnavailable as error:
            skip_or_fail(f"the end-to-end tests need a database for {error}")
        yield started
        exit_stack.close()
        if broker_proxy is not None:
            forget_events(started)


@pytest.fixture(scope="session")
def http(stack: Stack) -> Iterator[httpx.Client]:
    """A client of the services; with access tokens (--auth jwt), it sends one with every
    service's write scope, of an account created for the run."""
    with httpx.Client(timeout=10) as client:
        if IDENTITY is not None:
            token = access_token(stack, client, "e2e-writer", [f"{s.name}:write" for s in SERVICES])
            client.headers["Authorization"] = f"Bearer {token}"
        yield client


def access_token(stack: Stack, client: httpx.Client, username: str, scopes: list[str]) -> str:
    """A token of a new account with `scopes`, from the identity service's token endpoint.
    Against a stack already running (STACK_RUNNING=1), E2E_ACCESS_TOKEN gives it."""
    assert IDENTITY is not None
    if os.environ.get("STACK_RUNNING") == "1":
        return os.environ.get("E2E_ACCESS_TOKEN") or pytest.skip("set E2E_ACCESS_TOKEN")
    identity = next(service for service in SERVICES if service.name == IDENTITY)
    password = secrets.token_urlsafe(16)
    create_account(identity, stack.environments[IDENTITY], username, password, scopes)
    form = {"grant_type": "password", "username": username, "password": password}
    response = client.post(f"{stack.urls[IDENTITY]}/api/v1/auth/token", data=form)
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


@pytest.fixture
def base_url(service: Service, urls: dict[str, str]) -> str:
    return urls[service.name]
