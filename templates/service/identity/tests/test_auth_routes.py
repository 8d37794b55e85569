"""Signing in through HTTP: the token endpoint, refresh, /me and the published keys."""

import base64
import json
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.sessions import create_session_factory, transaction
from app.core.settings import Settings
from app.dependencies.token_keys import signer_for
from app.models import Account
from app.repository.account import AccountRepository
from app.services.auth import AuthService
from app.utils.access_tokens import public_keys, verify_access_token
from tests.app_client import open_client
from tests.token_keys import TEST_KEY, TokenKey

PASSWORD = "correct horse battery staple"
SCOPES = ["identity:write", "orders:write"]


async def add_account(
    engine: AsyncEngine, settings: Settings, username: str = "alice", scopes: list[str] = SCOPES
) -> None:
    async with transaction(create_session_factory(engine)) as session:
        service = AuthService(
            AccountRepository(session),
            signer_for(settings),
            access_lifetime=settings.access_token_lifetime,
            refresh_lifetime=settings.refresh_token_lifetime,
        )
        await service.create_account(username, PASSWORD, scopes)


async def sign_in(
    client: httpx.AsyncClient, username: str = "alice", password: str = PASSWORD
) -> httpx.Response:
    form = {"grant_type": "password", "username": username, "password": password}
    return await client.post("/api/v1/auth/token", data=form)


@pytest.fixture
async def account(engine: AsyncEngine, settings: Settings) -> None:
    await add_account(engine, settings)


async def test_the_token_endpoint_answers_a_signed_access_token_and_a_refresh_token(
    client: httpx.AsyncClient, settings: Settings, account: None
) -> None:
    response = await sign_in(client)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == settings.access_token_minutes * 60
    assert body["scope"] == " ".join(SCOPES)
    jwks = (await client.get("/.well-known/jwks.json")).json()
    header = json.loads(_segment(body["access_token"], 0))
    key = public_keys(jwks)[header["kid"]]
    token = verify_access_token(
        body["access_token"],
        key,
        issuer=settings.token_issuer,
        audience=settings.token_audience,
        leeway_seconds=0,
    )
    assert token.subject == "alice"
    assert token.scopes == frozenset(SCOPES)
    claims = json.loads(_segment(body["access_token"], 1))
    assert {"iss", "aud", "sub", "exp", "iat", "jti", "scope"} <= set(claims)
    assert claims["exp"] - claims["iat"] == settings.access_token_minutes * 60


@pytest.mark.parametrize(
    "username,password", [("alice", "wrong password"), ("nobody", PASSWORD), ("alice", "")]
)
async def test_wrong_credentials_are_an_invalid_grant(
    client: httpx.AsyncClient, account: None, username: str, password: str
) -> None:
    response = await sign_in(client, username, password)
    assert response.status_code in {400, 422}
    assert response.headers["content-type"].startswith("application/problem+json")
    if password:
        assert response.json()["code"] == "invalid_grant"


async def test_me_and_refresh(client: httpx.AsyncClient, account: None) -> None:
    tokens = (await sign_in(client)).json()
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    me = await client.get("/api/v1/auth/me", headers=bearer)
    assert me.json() == {"username": "alice", "scopes": SCOPES}

    form = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    refreshed = await client.post("/api/v1/auth/refresh", data=form)
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["access_token"] != tokens["access_token"]

    # Each token for its own use only.
    wrong = {"grant_type": "refresh_token", "refresh_token": tokens["access_token"]}
    assert (await client.post("/api/v1/auth/refresh", data=wrong)).status_code == 400
    as_access = {"Authorization": f"Bearer {tokens['refresh_token']}"}
    assert (await client.get("/api/v1/auth/me", headers=as_access)).status_code == 401


async def test_the_token_of_an_account_opens_the_protected_routes(
    client: httpx.AsyncClient, account: None
) -> None:
    tokens = (await sign_in(client)).json()
    client.headers["Authorization"] = f"Bearer {tokens['access_token']}"
    assert (await client.post("/api/v1/users", json={"name": "alice"})).status_code == 201
    del client.headers["Authorization"]
    assert (await client.get("/api/v1/users")).status_code == 401


async def test_passwords_are_stored_as_argon2_hashes(
    engine: AsyncEngine, settings: Settings, account: None
) -> None:
    async with create_session_factory(engine)() as session:
        stored = (await session.scalars(select(Account))).one()
    assert stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash


async def test_every_key_is_published_without_its_private_part_and_the_first_signs(
    settings: Settings, engine: AsyncEngine
) -> None:
    new = TokenKey.new()
    keys = json.dumps([new.private_jwk(), TEST_KEY.private_jwk()])
    rotated = settings.model_copy(update={"signing_keys": SecretStr(keys)})
    await add_account(engine, rotated)
    async with open_client(rotated) as client:
        jwks: dict[str, Any] = (await client.get("/.well-known/jwks.json")).json()
        token = (await sign_in(client)).json()["access_token"]
    assert [key["kid"] for key in jwks["keys"]] == [new.key_id, TEST_KEY.key_id]
    assert all("d" not in key for key in jwks["keys"])
    assert json.loads(_segment(token, 0))["kid"] == new.key_id


def _segment(token: str, index: int) -> str:
    part = token.split(".")[index]
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode()
