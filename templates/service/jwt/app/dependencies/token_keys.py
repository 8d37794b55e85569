"""Where this service gets the public keys that tokens are checked with: the JWKS of the
identity service, fetched through the peer client (with its request id and tracing) with a
bounded timeout, and cached (app.utils.key_cache)."""

from collections.abc import Mapping
from typing import Any

from shared_utils import PeerClient

from app.core.settings import Settings
from app.utils.key_cache import KeyCache


def key_cache_for(settings: Settings, peer_client: PeerClient) -> KeyCache:
    async def fetch() -> Mapping[str, Any]:
        url = settings.jwks_url or (
            peer_client.url_of(settings.identity_service).rstrip("/") + settings.jwks_path
        )
        response = await peer_client.request_url("GET", url, timeout=settings.jwks_timeout_seconds)
        response.raise_for_status()
        document = response.json()
        if not isinstance(document, dict):
            raise ValueError("the key set is not a JSON object")
        return document

    return KeyCache(
        fetch,
        max_age_seconds=settings.jwks_max_age_seconds,
        min_refresh_seconds=settings.jwks_min_refresh_seconds,
    )
