"""The token settings of the tests: the keys come from the tests' key set server."""

from typing import Any


def token_settings(jwks_url: str) -> dict[str, Any]:
    return {"peers": {}, "jwks_url": f"{jwks_url}/.well-known/jwks.json"}
