"""Request bodies are JSON: a body sent as another media type is a 415.

Without this, Litestar would read such a body as JSON whatever its Content-Type, and
FastAPI would hand it to validation as raw bytes; every service answers 415. A body
without a Content-Type is read as JSON.
"""

from typing import Any

from litestar import Request
from litestar.exceptions import HTTPException
from litestar.status_codes import HTTP_415_UNSUPPORTED_MEDIA_TYPE

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def is_json(content_type: str) -> bool:
    media_type = content_type.split(";")[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


def check_json_body(request: Request[Any, Any, Any]) -> None:
    """Refuses a body of a request with a body (a method of BODY_METHODS) that is not
    JSON; called before the body is read (app.api.request_checks)."""
    content_type = request.headers.get("content-type")
    if content_type and not is_json(content_type):
        raise HTTPException(
            status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            detail="The request body must be JSON (Content-Type: application/json).",
        )
