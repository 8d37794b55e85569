"""What the token endpoints answer (RFC 6749, section 5.1) and who a token belongs to."""

from typing import Literal

from pydantic import BaseModel


class TokenPair(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    # Seconds until the access token expires.
    expires_in: int
    refresh_token: str
    scope: str


class Me(BaseModel):
    username: str
    scopes: list[str]


class PasswordGrant(BaseModel):
    """The form body of a sign-in (RFC 6749, section 4.3)."""

    grant_type: Literal["password"]
    username: str
    password: str


class RefreshGrant(BaseModel):
    """The form body of a refresh (RFC 6749, section 6)."""

    grant_type: Literal["refresh_token"]
    refresh_token: str
