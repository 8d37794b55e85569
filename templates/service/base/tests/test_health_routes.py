"""Health endpoints, request ids and the error shape of the framework's own errors."""

import httpx

from app.core.settings import Settings
from tests.app_client import open_client


async def test_liveness(client: httpx.AsyncClient, settings: Settings) -> None:
    response = await client.get("/health")

    assert response.status_code == 200
    body = response.json()
    assert body["service"] == settings.service_name
    assert body["status"] == "ok"


async def test_readiness_when_the_database_answers(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/ready")

    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "migrations": "ok"}


async def test_readiness_is_503_when_the_database_does_not_answer(
    settings: Settings, unreachable_database_url: str
) -> None:
    settings = settings.model_copy(update={"database_url": unreachable_database_url})

    async with open_client(settings) as client:
        response = await client.get("/health/ready")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"] == {"database": "unavailable"}
    assert body["detail"].startswith("The database is unavailable")


async def test_peers_without_peers_is_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/peers")

    assert response.status_code == 200
    assert response.json()["peers"] == []


async def test_peers_is_503_when_a_peer_is_down(settings: Settings) -> None:
    # Nothing listens on port 9 (the "discard" port) of this machine.
    settings = settings.model_copy(update={"peers": {"ghost": "http://127.0.0.1:9"}})

    async with open_client(settings) as client:
        response = await client.get("/health/peers")

    assert response.status_code == 503
    [peer] = response.json()["peers"]
    assert peer["name"] == "ghost"
    assert peer["status"] == "unavailable"


async def test_request_id_is_echoed(client: httpx.AsyncClient) -> None:
    response = await client.get("/health", headers={"X-Request-ID": "abc-123"})

    assert response.headers["x-request-id"] == "abc-123"


async def test_request_id_is_generated_when_missing_or_invalid(
    client: httpx.AsyncClient,
) -> None:
    missing = await client.get("/health")
    invalid = await client.get("/health", headers={"X-Request-ID": "no spaces\tor tabs"})

    assert len(missing.headers["x-request-id"]) == 32
    assert invalid.headers["x-request-id"] != "no spaces\tor tabs"


async def test_unknown_route_is_a_404_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/no/such/route")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


async def test_wrong_method_is_a_405_problem(client: httpx.AsyncClient) -> None:
    response = await client.put("/health")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert "GET" in response.headers["allow"]
