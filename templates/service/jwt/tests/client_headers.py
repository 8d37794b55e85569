"""Headers every request of the tests' client carries (tests/app_client.py): a valid access
token with the service's write scope. A test of the token checks replaces or removes the
client's Authorization header."""

from app.core.settings import Settings
from tests.token_keys import mint_token


def client_headers(settings: Settings) -> dict[str, str]:
    """Headers every request of the tests' client carries."""
    return {"Authorization": f"Bearer {mint_token(settings)}"}
