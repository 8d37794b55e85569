"""Headers every request of the tests' client carries (tests/app_client.py): none here."""

from app.core.settings import Settings


def client_headers(settings: Settings) -> dict[str, str]:
    """Headers every request of the tests' client carries."""
    return {}
