"""The services work over real HTTP, and reach each other."""

import uuid

import httpx
import pytest
from stack import Service, read_services

SERVICES = read_services()


def test_service_reaches_every_peer(service: Service, base_url: str, http: httpx.Client) -> None:
    if len(SERVICES) < 2:
        pytest.skip("the project has a single service: it has no peer to call")
    request_id = f"e2e-{uuid.uuid4().hex}"

    response = http.get(f"{base_url}/health/peers", headers={"X-Request-ID": request_id})

    assert response.status_code == 200, response.text
    report = response.json()
    expected = {other.name for other in SERVICES if other != service}
    assert {peer["name"] for peer in report["peers"]} == expected
    for peer in report["peers"]:
        assert peer["status"] == "ok", peer
        # The peer echoed the id it received: the caller forwarded ours.
        assert peer["request_id"] == request_id


def test_crud_over_http(service: Service, base_url: str, http: httpx.Client) -> None:
    collection = f"{base_url}/api/v1/{service.route_path}"
    name = f"e2e {uuid.uuid4().hex[:8]}"

    created = http.post(collection, json={"name": name, "description": "end to end"})
    assert created.status_code == 201, created.text
    item_url = f"{collection}/{created.json()['id']}"

    assert http.get(item_url).json()["name"] == name
    updated = http.patch(item_url, json={"description": "changed"})
    assert updated.json()["description"] == "changed"

    duplicate = http.post(collection, json={"name": name})
    assert duplicate.status_code == 409
    assert duplicate.json()["status"] == 409

    assert http.delete(item_url).status_code == 204
    missing = http.get(item_url, headers={"X-Request-ID": "e2e-missing"})
    assert missing.status_code == 404
    assert missing.json()["request_id"] == "e2e-missing"
