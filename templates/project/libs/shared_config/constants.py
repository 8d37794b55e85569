"""Values every service must agree on."""

from typing import Final

# Header carrying the id that ties together the log lines of one request across services.
REQUEST_ID_HEADER: Final = "X-Request-ID"

# Pagination of list endpoints.
DEFAULT_PAGE_LIMIT: Final = 20
MAX_PAGE_LIMIT: Final = 100

# The largest id (and offset) a request may carry: the maximum of an SQL INTEGER column.
# A larger number is rejected as invalid input (422) before it can overflow the database.
MAX_ID: Final = 2**31 - 1

# The secret key written to .env.example. Services refuse to start with it (or with any
# short key) outside development.
PLACEHOLDER_SECRET_KEY: Final = "change-me"
MIN_SECRET_KEY_LENGTH: Final = 32

# Media type of error responses (RFC 9457, "Problem Details for HTTP APIs").
PROBLEM_MEDIA_TYPE: Final = "application/problem+json"
