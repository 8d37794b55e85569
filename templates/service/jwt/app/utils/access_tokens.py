"""Access tokens (JWT) checked with the public keys of the identity service (a JWKS).

The only module of the service that uses PyJWT (with app.utils.key_cache, which keeps the
keys): the rest sees `AccessToken` and `InvalidTokenError`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jwt

# The algorithms a token may be signed with: asymmetric only, and fixed here, so that a
# token never chooses its own ("none", or HS256 keyed with a public key).
ALGORITHMS = ["EdDSA"]
# Every claim a token must carry.
REQUIRED_CLAIMS = ["iss", "aud", "sub", "exp", "iat", "jti"]

PublicKey = jwt.PyJWK


class InvalidTokenError(ValueError):
    """The token is malformed, forged, expired, or not meant for this service."""


class UnknownKeyError(InvalidTokenError):
    """The token was signed with a key the key set does not hold."""


@dataclass(frozen=True)
class AccessToken:
    subject: str
    scopes: frozenset[str]
    token_id: str


def public_keys(document: Mapping[str, Any]) -> dict[str, PublicKey]:
    """Key id -> key, from a JWKS document; keys without an id or of another kind are skipped."""
    keys: dict[str, PublicKey] = {}
    entries = document.get("keys")
    for entry in entries if isinstance(entries, list) else []:
        # A published key set holds public keys only: an entry with a private part is a leak.
        if not isinstance(entry, dict) or "d" in entry:
            continue
        try:
            key = jwt.PyJWK(entry)
        except (jwt.PyJWKError, jwt.InvalidKeyError, TypeError, ValueError):
            continue
        if key.key_id and key.algorithm_name in ALGORITHMS:
            keys[key.key_id] = key
    return keys


def key_id_of(token: str) -> str:
    """The `kid` of the token's header, read before the signature is checked."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError as error:
        raise InvalidTokenError(f"malformed token: {error}") from error
    if header.get("alg") not in ALGORITHMS:
        raise InvalidTokenError(f"the token's algorithm {header.get('alg')!r} is not accepted")
    key_id = header.get("kid")
    if not isinstance(key_id, str) or not key_id:
        raise InvalidTokenError("the token names no key (kid)")
    return key_id


def verify_access_token(
    token: str, key: PublicKey, *, issuer: str, audience: str, leeway_seconds: float
) -> AccessToken:
    """The token's subject and scopes; raises `InvalidTokenError` unless its signature,
    issuer, audience and expiry (with `leeway_seconds` for clock skew) are right."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=ALGORITHMS,
            issuer=issuer,
            audience=audience,
            leeway=leeway_seconds,
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.InvalidTokenError as error:
        raise InvalidTokenError(str(error)) from error
    scope = claims.get("scope", "")
    if not isinstance(scope, str) or not isinstance(claims["sub"], str):
        raise InvalidTokenError("the token's sub and scope must be strings")
    return AccessToken(
        subject=claims["sub"], scopes=frozenset(scope.split()), token_id=str(claims["jti"])
    )
