"""The request class of the application: Litestar's, with JSON decoding made safe.

The JSON decoder recurses once per level of nesting, so a body like `[[[[...]]]]` a
thousand levels deep exhausts the interpreter's stack and raises RecursionError, which
Litestar would answer with a 500. Here it is a malformed body, like any JSON the decoder
cannot read (a 422, see app.exceptions.handlers.http_errors).
"""

from typing import Any

from litestar import Request
from litestar.exceptions import SerializationException


class ServiceRequest(Request[Any, Any, Any]):
    async def json(self) -> Any:
        try:
            return await super().json()
        except RecursionError as error:
            raise SerializationException("The JSON body is nested too deeply.") from error
