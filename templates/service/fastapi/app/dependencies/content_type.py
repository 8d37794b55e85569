"""Request bodies are JSON: a body sent as another media type is a 415.

Without this, FastAPI would hand such a body to validation as raw bytes (a confusing 422),
and Litestar would read it as JSON whatever its Content-Type; every service answers 415.
A body without a Content-Type is read as JSON.
"""

from fastapi import HTTPException, Request, status

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def is_json(content_type: str) -> bool:
    media_type = content_type.split(";")[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


def require_json_body(request: Request) -> None:
    """Called by each entity's service dependency (app.dependencies.services)."""
    if request.method not in BODY_METHODS:
        return
    content_type = request.headers.get("content-type")
    if content_type and not is_json(content_type):
        raise HTTPException(
            status_code=status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            detail="The request body must be JSON (Content-Type: application/json).",
        )
