"""Fixtures of the end-to-end tests: the services, running as real processes.

By default the tests start every service listed in .layered-backend.json (see
scripts/stack.py) on free ports with throwaway databases, and stop them afterwards.
A service on a database server gets a database created for the run on the server its own
tests use; when that server cannot be reached the tests are skipped, saying how to start
it (with REQUIRE_DB=1 they fail instead).
To test a stack that is already running instead (for example `docker compose up
--wait`), set STACK_RUNNING=1: the services are then expected on the manifest's ports
of STACK_HOST (default 127.0.0.1).
"""

import os
import secrets
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
    read_identity_service,
    read_services,
    running_stack,
)

SERVICES = read_services()
# The service that issues access tokens, when the services need them (--auth jwt).
IDENTITY = read_identity_service()


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
def stack(stack_dir: Path, otlp_receiver: OtlpReceiver) -> Iterator[Stack]:
    """Every service, up and ready (started here, or already running)."""
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
        try:
            started = exit_stack.enter_context(
                running_stack(SERVICES, isolated=True, work_dir=work_dir)
            )
        except DatabaseUnavailable as error:
            skip_or_fail(f"the end-to-end tests need a database for {error}")
        yield started


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
