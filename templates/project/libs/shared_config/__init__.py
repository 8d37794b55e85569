"""Settings and constants shared by every service."""

from shared_config.base_settings import Environment, ServiceSettings
from shared_config.constants import (
    DEFAULT_PAGE_LIMIT,
    MAX_ID,
    MAX_PAGE_LIMIT,
    PLACEHOLDER_SECRET_KEY,
    REQUEST_ID_HEADER,
)
from shared_config.integers import (
    DECIMAL_INTEGER_DESCRIPTION,
    NOT_DECIMAL_INTEGER_MESSAGE,
    is_decimal_integer,
)

__all__ = [
    "DECIMAL_INTEGER_DESCRIPTION",
    "DEFAULT_PAGE_LIMIT",
    "MAX_ID",
    "MAX_PAGE_LIMIT",
    "NOT_DECIMAL_INTEGER_MESSAGE",
    "PLACEHOLDER_SECRET_KEY",
    "REQUEST_ID_HEADER",
    "Environment",
    "ServiceSettings",
    "is_decimal_integer",
]
