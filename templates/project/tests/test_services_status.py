"""Every service is up, and ready to serve."""

import httpx
from stack import Service


def test_service_is_alive(service: Service, base_url: str, http: httpx.Client) -> None:
    response = http.get(f"{base_url}/health")

    assert response.status_code == 200
    assert response.json()["service"] == service.name
    assert response.json()["status"] == "ok"


def test_service_is_ready(service: Service, base_url: str, http: httpx.Client) -> None:
    response = http.get(f"{base_url}/health/ready")

    assert response.status_code == 200, response.text
    assert response.json()["checks"]["database"] == "ok"


def test_service_answers_errors_as_problems(base_url: str, http: httpx.Client) -> None:
    response = http.get(f"{base_url}/no/such/route")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
