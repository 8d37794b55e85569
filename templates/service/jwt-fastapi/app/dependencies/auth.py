"""The access token every entity route needs (app.api.v1 adds it to them).

`HTTPBearer` declares the bearer scheme in the OpenAPI document (the Authorize button of
/docs); a request without a valid token is answered 401, a write without the service's
write scope 403, both as problem+json (app.exceptions.auth).
"""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from shared_utils import set_authorization

from app.dependencies.token_checks import check_scope, check_token
from app.dependencies.token_keys import key_cache_for
from app.utils.access_tokens import AccessToken
from app.utils.key_cache import KeyCache

# auto_error=False: a missing token is answered by check_token, in the shape of every error.
bearer_scheme = HTTPBearer(
    auto_error=False, description="An access token from the identity service."
)


def token_keys(request: Request) -> KeyCache:
    """The application's key cache, made on first use (after the peer client exists)."""
    state = request.app.state
    keys: KeyCache | None = getattr(state, "token_keys", None)
    if keys is None:
        keys = state.token_keys = key_cache_for(state.settings, state.peer_client)
    return keys


async def authenticated(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> AccessToken:
    settings = request.app.state.settings
    raw = credentials.credentials if credentials is not None else None
    token = await check_token(raw, token_keys(request), settings)
    check_scope(token, request.method, settings)
    # Calls to peers made for this request carry the caller's token.
    set_authorization(f"Bearer {raw}")
    return token


Authenticated = Annotated[AccessToken, Depends(authenticated)]
