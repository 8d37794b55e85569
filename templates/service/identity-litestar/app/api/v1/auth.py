"""Signing in: /api/v1/auth/token (OAuth2 password grant), /refresh and /me."""

from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body

from app.api.problem_spec import problem
from app.api.responses import INVALID, UNAVAILABLE
from app.api.security import REQUIRES_TOKEN
from app.dependencies.auth import provide_access_token
from app.dependencies.auth_service import provide_auth_service
from app.schemas.auth import Me, PasswordGrant, RefreshGrant, TokenPair
from app.services.auth import AuthService
from app.utils.access_tokens import AccessToken

INVALID_GRANT = problem(400, "The username and password, or the refresh token, are not valid.")
FORM = Body(media_type=RequestEncodingType.URL_ENCODED)


class AuthController(Controller):
    path = "/auth"
    tags = ("auth",)
    # Litestar reads this once, at startup.
    dependencies = {  # noqa: RUF012
        "service": Provide(provide_auth_service, sync_to_thread=False),
        "token": Provide(provide_access_token),
    }

    @post("/token", status_code=200, responses=INVALID | UNAVAILABLE | INVALID_GRANT)
    async def issue_token(
        self, data: Annotated[PasswordGrant, FORM], service: NamedDependency[AuthService]
    ) -> TokenPair:
        return await service.sign_in(data.username, data.password)

    @post("/refresh", status_code=200, responses=INVALID | UNAVAILABLE | INVALID_GRANT)
    async def refresh_token(
        self, data: Annotated[RefreshGrant, FORM], service: NamedDependency[AuthService]
    ) -> TokenPair:
        return await service.refresh(data.refresh_token)

    @get("/me", responses=INVALID | UNAVAILABLE, security=REQUIRES_TOKEN)
    async def me(
        self, token: NamedDependency[AccessToken], service: NamedDependency[AuthService]
    ) -> Me:
        return await service.me(token.subject)
