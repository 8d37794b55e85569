"""The auth service, wired with the account repository on the request's session."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request

from app.dependencies.database import request_transaction
from app.dependencies.token_keys import signer_for
from app.repository.account import AccountRepository
from app.services.auth import AuthService
from app.utils.signing import Signer


def signer_of(request: Request) -> Signer:
    """The application's signer, read from the settings once."""
    state = request.app.state
    signer: Signer | None = getattr(state, "signer", None)
    if signer is None:
        signer = state.signer = signer_for(state.settings)
    return signer


async def get_auth_service(request: Request) -> AsyncIterator[AuthService]:
    settings = request.app.state.settings
    async with request_transaction(request) as session:
        yield AuthService(
            AccountRepository(session),
            signer_of(request),
            access_lifetime=settings.access_token_lifetime,
            refresh_lifetime=settings.refresh_token_lifetime,
        )


AuthServiceDep = Annotated[AuthService, Depends(get_auth_service, scope="function")]
