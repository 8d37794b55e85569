"""How a whole number is written in a URL: the one spelling every service accepts.

An id, offset or limit in a path or query string is plain ASCII decimal digits, without
sign, spaces, separators or leading zeros ("0" itself is fine). Each framework's own
integer parser accepts a different set of extras ("+1", " 1", "1_000", "1.0", "1e3",
non-ASCII digits), so the services check this rule before their framework converts the
text: every number has one spelling, so a row has one URL, and every service answers a
request alike.
"""

import re
from typing import Final

# Explicit [0-9], not \d, which matches every Unicode digit; fullmatch, so that no
# trailing newline slips through as it would with `$`.
DECIMAL_INTEGER: Final = re.compile(r"0|[1-9][0-9]*")

# What the OpenAPI document says of such a parameter, and the error that refuses one.
DECIMAL_INTEGER_DESCRIPTION: Final = (
    "Plain decimal digits (0-9): no sign, spaces, separators, fraction or leading zeros."
)
NOT_DECIMAL_INTEGER_MESSAGE: Final = (
    "Input should be an integer in plain decimal digits (0-9), without sign, spaces, "
    "separators, fraction or leading zeros"
)


def is_decimal_integer(text: str) -> bool:
    """Whether `text` is a whole number as every service accepts it in a URL."""
    return DECIMAL_INTEGER.fullmatch(text) is not None
