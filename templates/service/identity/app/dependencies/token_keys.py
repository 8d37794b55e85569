"""Where this service gets the public keys that tokens are checked with: its own signing
keys (the identity service checks the tokens it issued without calling itself)."""

from collections.abc import Mapping
from typing import Any

from shared_utils import PeerClient

from app.core.settings import Settings
from app.utils.key_cache import KeyCache
from app.utils.signing import Signer


def signer_for(settings: Settings) -> Signer:
    return Signer(
        settings.signing_keys.get_secret_value(),
        issuer=settings.token_issuer,
        audience=settings.token_audience,
    )


def key_cache_for(settings: Settings, peer_client: PeerClient) -> KeyCache:
    document = signer_for(settings).public_jwks()

    async def fetch() -> Mapping[str, Any]:
        return document

    return KeyCache(fetch)
