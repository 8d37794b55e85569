"""Signing tokens with the identity service's private keys, and publishing the public ones.

The keys come from the settings as a JSON list of private JWKs (Ed25519, each with a
`kid`): the first signs, every one is published, so that during a rotation tokens signed
with the previous key stay valid until they expire (see the README).
"""

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

ALGORITHM = "EdDSA"
# The `token_use` of refresh tokens: they are never accepted as access tokens (their
# audience is the identity service itself, not the project).
REFRESH = "refresh"


class InvalidRefreshTokenError(ValueError):
    """The refresh token is malformed, forged, expired, or not a refresh token."""


class InvalidSigningKeysError(ValueError):
    """The configured keys are not a list of Ed25519 private JWKs with ids."""


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_in: int


class Signer:
    def __init__(self, keys_json: str, *, issuer: str, audience: str) -> None:
        self._keys = _private_keys(keys_json)
        self.issuer = issuer
        self.audience = audience

    def public_jwks(self) -> dict[str, Any]:
        """The JWKS document: every key, without its private part."""
        keys = []
        for key_id, key in self._keys:
            public = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(key.public_key()))
            keys.append({**public, "kid": key_id, "alg": ALGORITHM, "use": "sig"})
        return {"keys": keys}

    def access_token(self, subject: str, scopes: str, lifetime: timedelta) -> IssuedToken:
        claims = {"aud": self.audience, "scope": scopes}
        return self._sign(subject, claims, lifetime)

    def refresh_token(self, subject: str, lifetime: timedelta) -> IssuedToken:
        return self._sign(subject, {"aud": self.issuer, "token_use": REFRESH}, lifetime)

    def refresh_subject(self, token: str) -> str:
        """The subject of a valid refresh token; raises `InvalidRefreshTokenError` otherwise."""
        try:
            header = jwt.get_unverified_header(token)
            key = dict(self._keys).get(str(header.get("kid")))
            if key is None:
                raise InvalidRefreshTokenError("it was signed with an unknown key")
            claims = jwt.decode(
                token,
                key.public_key(),
                algorithms=[ALGORITHM],
                audience=self.issuer,
                issuer=self.issuer,
                options={"require": ["iss", "aud", "sub", "exp", "iat", "jti"]},
            )
        except jwt.InvalidTokenError as error:
            raise InvalidRefreshTokenError(str(error)) from error
        if claims.get("token_use") != REFRESH or not isinstance(claims["sub"], str):
            raise InvalidRefreshTokenError("it is not a refresh token")
        return claims["sub"]

    def _sign(self, subject: str, claims: dict[str, Any], lifetime: timedelta) -> IssuedToken:
        key_id, key = self._keys[0]
        now = datetime.now(UTC)
        payload = {
            "iss": self.issuer,
            "sub": subject,
            "iat": now,
            "exp": now + lifetime,
            "jti": uuid.uuid4().hex,
            **claims,
        }
        token = jwt.encode(payload, key, algorithm=ALGORITHM, headers={"kid": key_id})
        return IssuedToken(token, int(lifetime.total_seconds()))


def _private_keys(keys_json: str) -> list[tuple[str, Any]]:
    try:
        entries = json.loads(keys_json)
        keys = [(str(entry["kid"]), jwt.PyJWK(entry, algorithm=ALGORITHM).key) for entry in entries]
    except (ValueError, TypeError, KeyError, jwt.PyJWKError) as error:
        raise InvalidSigningKeysError(f"the signing keys cannot be read: {error}") from error
    if not keys or not all(hasattr(key, "sign") for _, key in keys):
        raise InvalidSigningKeysError("the signing keys must be Ed25519 private keys")
    return keys
