"""The auth service, wired with the account repository on the request's session."""

from litestar.datastructures import State
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from app.dependencies.token_keys import signer_for
from app.repository.account import AccountRepository
from app.services.auth import AuthService
from app.utils.signing import Signer


def signer_of(state: State) -> Signer:
    """The application's signer, read from the settings once."""
    signer: Signer | None = state.get("signer")
    if signer is None:
        signer = state.signer = signer_for(state.settings)
    return signer


def provide_auth_service(state: State, db_session: NamedDependency[AsyncSession]) -> AuthService:
    settings = state.settings
    return AuthService(
        AccountRepository(db_session),
        signer_of(state),
        access_lifetime=settings.access_token_lifetime,
        refresh_lifetime=settings.refresh_token_lifetime,
    )
