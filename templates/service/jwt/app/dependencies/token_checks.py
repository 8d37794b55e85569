"""Checking the access token of a request: who sends it, and what it may do.

Framework-free: app.dependencies.auth hands it the token of the Authorization header.
"""

from app.core.settings import Settings
from app.exceptions.auth import KeysUnavailableError, MissingScopeError, NotAuthenticatedError
from app.utils.access_tokens import AccessToken, InvalidTokenError, key_id_of, verify_access_token
from app.utils.key_cache import KeyCache, KeySetUnavailableError

# Methods that change nothing: a valid token is enough; any other needs the write scope.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def check_token(token: str | None, keys: KeyCache, settings: Settings) -> AccessToken:
    """The verified token; raises `NotAuthenticatedError` (401) or `KeysUnavailableError`."""
    if not token:
        raise NotAuthenticatedError(
            "This request needs an access token: send Authorization: Bearer <token>."
        )
    try:
        key = await keys.key(key_id_of(token))
        return verify_access_token(
            token,
            key,
            issuer=settings.token_issuer,
            audience=settings.token_audience,
            leeway_seconds=settings.token_leeway_seconds,
        )
    except KeySetUnavailableError as error:
        raise KeysUnavailableError(str(error)) from error
    except InvalidTokenError as error:
        raise NotAuthenticatedError(f"The access token is not valid: {error}.") from error


def check_scope(token: AccessToken, method: str, settings: Settings) -> None:
    """Writes need the service's write scope; raises `MissingScopeError` (403)."""
    if method not in READ_METHODS and settings.write_scope not in token.scopes:
        raise MissingScopeError(settings.write_scope)
