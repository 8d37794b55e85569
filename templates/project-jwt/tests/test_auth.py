"""Access tokens across services, over real HTTP: an account of the identity service gets a
token that another service accepts; without a token, or without the scope, it refuses;
and it keeps accepting tokens while the identity service is stopped (cached keys)."""

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from conftest import IDENTITY, SERVICES, access_token
from stack import Stack

pytestmark = pytest.mark.skipif(
    os.environ.get("STACK_RUNNING") == "1", reason="creates accounts and stops a service"
)

OTHERS = [service for service in SERVICES if service.name != IDENTITY]


def collection(stack: Stack, index: int = 0) -> str:
    service = OTHERS[index]
    return f"{stack.urls[service.name]}/api/v1/{service.route_path}"


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as plain:
        yield plain


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_token_from_the_identity_service_writes_to_another_service(
    stack: Stack, client: httpx.Client
) -> None:
    token = access_token(stack, client, "e2e-alice", [f"{s.name}:write" for s in SERVICES])
    created = client.post(collection(stack), json={"name": "with a token"}, headers=bearer(token))
    assert created.status_code == 201, created.text


def test_without_a_token_it_is_a_401(stack: Stack, client: httpx.Client) -> None:
    response = client.post(collection(stack), json={"name": "no token"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"].startswith("application/problem+json")


def test_without_the_scope_it_reads_but_cannot_write(stack: Stack, client: httpx.Client) -> None:
    token = access_token(stack, client, "e2e-reader", [])
    assert client.get(collection(stack), headers=bearer(token)).status_code == 200
    response = client.post(collection(stack), json={"name": "no scope"}, headers=bearer(token))
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"


@contextmanager
def stopped(stack: Stack, name: str) -> Iterator[None]:
    """The service's processes stopped (SIGSTOP: they answer nothing), then resumed."""
    group = stack.processes[name].pid
    os.killpg(group, signal.SIGSTOP)
    try:
        yield
    finally:
        os.killpg(group, signal.SIGCONT)


@pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="needs POSIX signals")
def test_tokens_are_accepted_while_the_identity_service_is_stopped(
    stack: Stack, client: httpx.Client
) -> None:
    assert IDENTITY is not None
    token = access_token(stack, client, "e2e-bob", [f"{s.name}:write" for s in SERVICES])
    for index in range(len(OTHERS)):
        # Each service fetches the keys on the first token it sees, and keeps them.
        assert client.get(collection(stack, index), headers=bearer(token)).status_code == 200
    with stopped(stack, IDENTITY):
        for index in range(len(OTHERS)):
            body = {"name": f"identity stopped {index}"}
            response = client.post(collection(stack, index), json=body, headers=bearer(token))
            assert response.status_code == 201, response.text
