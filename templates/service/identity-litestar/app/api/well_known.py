"""GET /.well-known/jwks.json: the public keys tokens are checked with (public, like
/health: the other services fetch it without a token)."""

from typing import Any

from litestar import get
from litestar.datastructures import State

from app.dependencies.auth_service import signer_of


@get("/.well-known/jwks.json", tags=["keys"])
async def key_set(state: State) -> dict[str, Any]:
    return signer_of(state).public_jwks()
