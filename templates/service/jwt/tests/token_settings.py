"""The token settings of the tests: the keys come from the tests' key set server."""

from typing import Any


def token_settings(jwks_url: str) -> dict[str, Any]:
    # A generous timeout: a loaded test machine may answer slowly, and a fetch that times
    # out would turn the test's first request into a 503.
    return {
        "peers": {},
        "jwks_url": f"{jwks_url}/.well-known/jwks.json",
        "jwks_timeout_seconds": 30.0,
    }
