"""What the tests' application gets besides its database and secret key (a pytest plugin
of tests/conftest.py): the keys of a key set server started for the run (the identity
service, as the tests see it)."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.token_keys import JwksServer, running_jwks_server
from tests.token_settings import token_settings


@pytest.fixture(scope="session")
def jwks_server() -> Iterator[JwksServer]:
    """The identity service's key set, as the tests' identity service publishes it."""
    with running_jwks_server() as server:
        yield server


@pytest.fixture(scope="session")
def settings_overrides(jwks_server: JwksServer) -> dict[str, Any]:
    """Settings of the tests' application besides its database and secret key."""
    return token_settings(jwks_server.url)
