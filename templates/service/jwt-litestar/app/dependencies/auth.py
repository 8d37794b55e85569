"""The access token every entity route needs (app.api.v1 guards them with it).

A request without a valid token is answered 401, a write without the service's write
scope 403, both as problem+json (app.exceptions.auth); app.api.security declares the
bearer scheme in the OpenAPI document (the Authorize button of /docs).
"""

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from shared_utils import set_authorization

from app.dependencies.token_checks import check_scope, check_token
from app.dependencies.token_keys import key_cache_for
from app.utils.access_tokens import AccessToken
from app.utils.key_cache import KeyCache

BEARER_PREFIX = "bearer "


def token_keys(connection: ASGIConnection[Any, Any, Any, Any]) -> KeyCache:
    """The application's key cache, made on first use (after the peer client exists)."""
    state = connection.app.state
    keys: KeyCache | None = state.get("token_keys")
    if keys is None:
        keys = state.token_keys = key_cache_for(state.settings, state.peer_client)
    return keys


def bearer_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    header = connection.headers.get("authorization", "")
    if header[: len(BEARER_PREFIX)].lower() != BEARER_PREFIX:
        return None
    return header[len(BEARER_PREFIX) :].strip() or None


async def authenticate(connection: ASGIConnection[Any, Any, Any, Any]) -> AccessToken:
    settings = connection.app.state.settings
    raw = bearer_token(connection)
    token = await check_token(raw, token_keys(connection), settings)
    check_scope(token, str(connection.scope.get("method", "GET")), settings)
    # Calls to peers made for this request carry the caller's token.
    set_authorization(f"Bearer {raw}")
    return token


async def authenticated(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """The guard of the protected routes."""
    await authenticate(connection)


async def provide_access_token(request: Request[Any, Any, Any]) -> AccessToken:
    """The request's verified token, for a route that needs to know whose it is."""
    return await authenticate(request)
