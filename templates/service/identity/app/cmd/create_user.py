"""Create an account that can sign in: `python -m app.cmd.create_user alice --scopes "..."`.

The password is read from the PASSWORD environment variable, or asked for (twice, not
echoed) when it is not set: never from the command line, where `ps` and the shell history
would show it. `make create-user` at the project root runs this with every service's write
scope unless SCOPES says otherwise.
"""

import argparse
import asyncio
import getpass
import os
import sys

from app.core.database import create_engine
from app.core.sessions import create_session_factory, transaction
from app.core.settings import get_settings
from app.dependencies.token_keys import signer_for
from app.repository.account import AccountRepository
from app.services.auth import AccountAlreadyExistsError, AuthService


def read_password() -> str:
    password = os.environ.get("PASSWORD")
    if password:
        return password
    password = getpass.getpass("Password: ")
    if password != getpass.getpass("Password again: "):
        sys.exit("The passwords differ.")
    return password


async def create_user(username: str, password: str, scopes: list[str]) -> None:
    settings = get_settings()
    engine = create_engine(settings.database_url)
    try:
        async with transaction(create_session_factory(engine)) as session:
            service = AuthService(
                AccountRepository(session),
                signer_for(settings),
                access_lifetime=settings.access_token_lifetime,
                refresh_lifetime=settings.refresh_token_lifetime,
            )
            await service.create_account(username, password, scopes)
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description="Create an account of the identity service.")
    parser.add_argument("username")
    parser.add_argument("--scopes", default="", help="space-separated scopes (default: none)")
    args = parser.parse_args()
    password = read_password()
    if len(password) < 8:
        sys.exit("The password must have at least 8 characters.")
    try:
        asyncio.run(create_user(args.username, password, args.scopes.split()))
    except AccountAlreadyExistsError as error:
        sys.exit(f"Not created: {error}.")
    print(f"Created {args.username} with the scopes: {args.scopes or '(none)'}")


if __name__ == "__main__":
    main()
