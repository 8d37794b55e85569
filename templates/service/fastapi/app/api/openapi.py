"""The OpenAPI document, made to say what the service really answers.

FastAPI writes every response model as application/json; error responses are sent as
application/problem+json (app.exceptions.handlers), so their entries are moved to that
media type here. The document is built once, on the first request for it.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from shared_config.constants import PROBLEM_MEDIA_TYPE

JSON_MEDIA_TYPE = "application/json"
PROBLEM_SCHEMA_REF = "#/components/schemas/Problem"


def use_problem_media_type(document: dict[str, Any]) -> dict[str, Any]:
    """Every response with the Problem schema is problem+json (changed in place)."""
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            for response in operation.get("responses", {}).values():
                content = response.get("content", {})
                schema = content.get(JSON_MEDIA_TYPE, {}).get("schema", {})
                if schema.get("$ref") == PROBLEM_SCHEMA_REF:
                    content[PROBLEM_MEDIA_TYPE] = content.pop(JSON_MEDIA_TYPE)
    return document


def install_openapi(app: FastAPI) -> None:
    """Serve the corrected document at app.openapi_url."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                routes=app.routes,
                description=app.description,
            )
            app.openapi_schema = use_problem_media_type(document)
        return app.openapi_schema

    # FastAPI's documented way to customise the document: replace the method.
    app.openapi = openapi  # type: ignore[method-assign]
