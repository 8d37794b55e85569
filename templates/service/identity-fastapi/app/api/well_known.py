"""GET /.well-known/jwks.json: the public keys tokens are checked with (public, like
/health: the other services fetch it without a token)."""

from typing import Any

from fastapi import APIRouter, Request

from app.dependencies.auth_service import signer_of

router = APIRouter(tags=["keys"])


@router.get("/.well-known/jwks.json")
async def key_set(request: Request) -> dict[str, Any]:
    return signer_of(request).public_jwks()
