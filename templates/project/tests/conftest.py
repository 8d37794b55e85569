"""Fixtures of the end-to-end tests: the services, running as real processes.

By default the tests start every service listed in .layered-backend.json (see
scripts/stack.py) on free ports with throwaway databases, and stop them afterwards.
To test a stack that is already running instead (for example `docker compose up
--wait`), set STACK_RUNNING=1: the services are then expected on the manifest's ports
of STACK_HOST (default 127.0.0.1).
"""

import os
from collections.abc import Iterator

import httpx
import pytest
from stack import Service, read_services, running_stack

SERVICES = read_services()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that takes a `service` argument once per service."""
    if "service" in metafunc.fixturenames:
        metafunc.parametrize("service", SERVICES, ids=[service.name for service in SERVICES])


@pytest.fixture(scope="session")
def urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Service name -> base URL of every service, up and ready."""
    if os.environ.get("STACK_RUNNING") == "1":
        host = os.environ.get("STACK_HOST", "127.0.0.1")
        yield {service.name: f"http://{host}:{service.port}" for service in SERVICES}
        return
    work_dir = tmp_path_factory.mktemp("stack")
    with running_stack(SERVICES, isolated=True, work_dir=work_dir) as stack:
        yield stack.urls


@pytest.fixture(scope="session")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


@pytest.fixture
def base_url(service: Service, urls: dict[str, str]) -> str:
    return urls[service.name]
