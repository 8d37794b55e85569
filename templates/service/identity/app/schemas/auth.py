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
