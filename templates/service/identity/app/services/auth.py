"""Signing in: accounts, their passwords, and the tokens they are given."""

from datetime import timedelta

from app.exceptions.auth import InvalidGrantError, NotAuthenticatedError
from app.models import Account
from app.repository import ConstraintViolationError
from app.repository.account import AccountRepository
from app.schemas.auth import Me, TokenPair
from app.utils.passwords import hash_password, verify_password
from app.utils.signing import InvalidRefreshTokenError, Signer

# Compared against when the username is unknown, so that a wrong username takes as long as
# a wrong password and does not tell which accounts exist.
_DUMMY_HASH = hash_password("not-a-password")


class AccountAlreadyExistsError(ValueError):
    pass


class AuthService:
    def __init__(
        self,
        repository: AccountRepository,
        signer: Signer,
        *,
        access_lifetime: timedelta,
        refresh_lifetime: timedelta,
    ) -> None:
        self.repository = repository
        self.signer = signer
        self.access_lifetime = access_lifetime
        self.refresh_lifetime = refresh_lifetime

    async def create_account(self, username: str, password: str, scopes: list[str]) -> Account:
        account = Account(
            username=username, password_hash=hash_password(password), scopes=" ".join(scopes)
        )
        try:
            return await self.repository.add(account)
        except ConstraintViolationError as error:
            raise AccountAlreadyExistsError(f"the account {username!r} exists") from error

    async def sign_in(self, username: str, password: str) -> TokenPair:
        """Tokens for the account; `InvalidGrantError` for a wrong username or password."""
        account = await self.repository.get_by_username(username)
        if not verify_password(password, account.password_hash if account else _DUMMY_HASH):
            raise InvalidGrantError("The username or password is wrong.")
        assert account is not None  # the dummy hash never verifies
        return self._tokens(account)

    async def refresh(self, refresh_token: str) -> TokenPair:
        """New tokens, with the account's scopes as they are now."""
        try:
            username = self.signer.refresh_subject(refresh_token)
        except InvalidRefreshTokenError as error:
            raise InvalidGrantError(f"The refresh token is not valid: {error}.") from error
        account = await self.repository.get_by_username(username)
        if account is None:
            raise InvalidGrantError("The account of this refresh token no longer exists.")
        return self._tokens(account)

    async def me(self, username: str) -> Me:
        account = await self.repository.get_by_username(username)
        if account is None:
            raise NotAuthenticatedError("The account of this token no longer exists.")
        return Me(username=account.username, scopes=account.scopes.split())

    def _tokens(self, account: Account) -> TokenPair:
        access = self.signer.access_token(account.username, account.scopes, self.access_lifetime)
        refresh = self.signer.refresh_token(account.username, self.refresh_lifetime)
        return TokenPair(
            access_token=access.token,
            expires_in=access.expires_in,
            refresh_token=refresh.token,
            scope=account.scopes,
        )
