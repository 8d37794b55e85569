"""Signing in: /api/v1/auth/token (OAuth2 password grant), /refresh and /me."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form
from fastapi.security import OAuth2PasswordRequestFormStrict

from app.api.auth_responses import UNAUTHENTICATED
from app.api.problem_spec import problem
from app.api.responses import INVALID, UNAVAILABLE
from app.dependencies.auth import Authenticated
from app.dependencies.auth_service import AuthServiceDep
from app.schemas.auth import Me, TokenPair

INVALID_GRANT = problem(400, "The username and password, or the refresh token, are not valid.")

router = APIRouter(prefix="/auth", tags=["auth"], responses=INVALID | UNAVAILABLE)


@router.post("/token", responses=INVALID_GRANT)
async def issue_token(
    form: Annotated[OAuth2PasswordRequestFormStrict, Depends()],
    service: AuthServiceDep,
) -> TokenPair:
    return await service.sign_in(form.username, form.password)


@router.post("/refresh", responses=INVALID_GRANT)
async def refresh_token(
    grant_type: Annotated[Literal["refresh_token"], Form()],
    refresh_token: Annotated[str, Form()],
    service: AuthServiceDep,
) -> TokenPair:
    return await service.refresh(refresh_token)


@router.get("/me", responses=UNAUTHENTICATED)
async def me(token: Authenticated, service: AuthServiceDep) -> Me:
    return await service.me(token.subject)
