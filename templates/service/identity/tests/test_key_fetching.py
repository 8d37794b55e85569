"""The identity service checks the tokens it issued with its own keys: it never fetches
them, so it keeps working whatever the network does."""

import pytest

from app.core.settings import Settings
from tests.app_client import open_client
from tests.token_keys import JwksServer


@pytest.mark.usefixtures("engine")
async def test_its_own_keys_check_tokens_without_any_fetch(
    settings: Settings, jwks_server: JwksServer
) -> None:
    before = jwks_server.requests
    async with open_client(settings) as client:
        assert (await client.get("/api/v1/users")).status_code == 200
    assert jwks_server.requests == before
