"""What the tests' application gets besides its database and secret key (a pytest plugin
of tests/conftest.py).

Nothing here: the peers are left out, so no test calls another service. A layer that adds
to every request (access tokens, say) replaces this module, and tests/client_headers.py,
with its own; tests/conftest.py and tests/app_client.py stay as they are.
"""

from typing import Any

import pytest


@pytest.fixture(scope="session")
def settings_overrides() -> dict[str, Any]:
    """Settings of the tests' application besides its database and secret key."""
    return {"peers": {}}
