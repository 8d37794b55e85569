"""Signed, expiring access tokens (JWT, HS256) carrying the id of their subject."""

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

ALGORITHM = "HS256"
DEFAULT_LIFETIME = timedelta(minutes=30)


class InvalidTokenError(ValueError):
    """The token is malformed, forged or expired."""


def create_access_token(
    subject: str, secret_key: str, lifetime: timedelta = DEFAULT_LIFETIME
) -> str:
    now = datetime.now(UTC)
    claims: dict[str, Any] = {"sub": subject, "iat": now, "exp": now + lifetime}
    return jwt.encode(claims, secret_key, algorithm=ALGORITHM)


def decode_access_token(token: str, secret_key: str) -> dict[str, Any]:
    """The claims of a valid token; raises `InvalidTokenError` otherwise."""
    try:
        # Pinning the accepted algorithms stops a token from choosing its own (e.g. "none").
        claims: dict[str, Any] = jwt.decode(
            token, secret_key, algorithms=[ALGORITHM], options={"require": ["sub", "exp"]}
        )
    except jwt.InvalidTokenError as error:
        raise InvalidTokenError(str(error)) from error
    return claims
