"""Test key pairs, tokens signed with them, and a server publishing the public keys as the
identity service does (GET /.well-known/jwks.json)."""

import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.core.settings import Settings


@dataclass(frozen=True)
class TokenKey:
    key_id: str
    private_key: Ed25519PrivateKey = field(repr=False)

    @classmethod
    def new(cls) -> "TokenKey":
        return cls(uuid.uuid4().hex[:16], Ed25519PrivateKey.generate())

    def public_jwk(self) -> dict[str, Any]:
        public = self.private_key.public_key()
        jwk: dict[str, Any] = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(public))
        return {**jwk, "kid": self.key_id, "alg": "EdDSA", "use": "sig"}

    def private_jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(self.private_key))
        return {**jwk, "kid": self.key_id}


# The key of the tests' identity service; OTHER_KEY is one it never published.
TEST_KEY = TokenKey.new()
OTHER_KEY = TokenKey.new()


def mint_token(
    settings: Settings,
    *,
    key: TokenKey = TEST_KEY,
    scope: str | None = None,
    lifetime: timedelta = timedelta(minutes=5),
    claims: dict[str, Any] | None = None,
    headers: dict[str, Any] | None = None,
) -> str:
    """A token as the identity service signs it, with the service's write scope unless
    `scope` says otherwise; `claims` and `headers` replace or add fields."""
    now = datetime.now(UTC)
    payload: dict[str, Any] = {
        "iss": settings.token_issuer,
        "aud": settings.token_audience,
        "sub": "alice",
        "iat": now,
        "exp": now + lifetime,
        "jti": uuid.uuid4().hex,
        "scope": settings.write_scope if scope is None else scope,
        **(claims or {}),
    }
    # A header field given as None is left out.
    fields = {"kid": key.key_id, **(headers or {})}
    header = {name: value for name, value in fields.items() if value is not None}
    return jwt.encode(payload, key.private_key, algorithm="EdDSA", headers=header)


class JwksServer:
    """Serves `keys` as a JWKS; `available = False` makes it answer 503, as a stopped
    identity service would fail."""

    def __init__(self, server: ThreadingHTTPServer) -> None:
        self._server = server
        self.keys: list[TokenKey] = [TEST_KEY]
        self.available = True
        self.requests = 0

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"


@contextmanager
def running_jwks_server() -> Iterator[JwksServer]:
    holder: list[JwksServer] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            jwks = holder[0]
            jwks.requests += 1
            if not jwks.available or self.path != "/.well-known/jwks.json":
                self.send_response(503 if not jwks.available else 404)
                self.end_headers()
                return
            body = json.dumps({"keys": [key.public_jwk() for key in jwks.keys]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: pytest shows the tests' output

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder.append(JwksServer(server))
    # shutdown() waits for the server's loop to look again: every 0.05 s, not every 0.5 s.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield holder[0]
    finally:
        server.shutdown()
        server.server_close()
