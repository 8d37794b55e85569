"""Settings and constants shared by every service."""

from shared_config.base_settings import Environment, ServiceSettings
from shared_config.constants import (
    DEFAULT_PAGE_LIMIT,
    MAX_ID,
    MAX_PAGE_LIMIT,
    PLACEHOLDER_SECRET_KEY,
    REQUEST_ID_HEADER,
)

__all__ = [
    "DEFAULT_PAGE_LIMIT",
    "MAX_ID",
    "MAX_PAGE_LIMIT",
    "PLACEHOLDER_SECRET_KEY",
    "REQUEST_ID_HEADER",
    "Environment",
    "ServiceSettings",
]
