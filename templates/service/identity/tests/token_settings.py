"""The token settings of the tests: this service signs with the tests' key."""

import json
from typing import Any

from pydantic import SecretStr

from tests.token_keys import TEST_KEY


def token_settings(jwks_url: str) -> dict[str, Any]:
    return {"peers": {}, "signing_keys": SecretStr(json.dumps([TEST_KEY.private_jwk()]))}
