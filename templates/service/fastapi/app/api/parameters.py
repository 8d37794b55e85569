"""Integer path and query parameters: plain decimal digits only (shared_config.integers).

Pydantic's lax parsing reads "+1", " 1", "1_000" and "1.0" as integers; this validator
refuses every spelling but plain decimal digits before pydantic converts the text, with
the kind of error pydantic gives a text that is not a number at all.
"""

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError
from shared_config import NOT_DECIMAL_INTEGER_MESSAGE, is_decimal_integer


def decimal_digits_only(value: object) -> object:
    if isinstance(value, str) and not is_decimal_integer(value):
        raise PydanticCustomError("int_parsing", NOT_DECIMAL_INTEGER_MESSAGE)
    return value


# Put it after Path(...) or Query(...) in `Annotated[int, ...]`: placed before them, it
# would hide their bounds from the OpenAPI document (`ge`, not `minimum`).
DECIMAL_DIGITS_ONLY = BeforeValidator(decimal_digits_only)
