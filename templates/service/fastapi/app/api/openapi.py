"""The OpenAPI document, with the schema of the error responses.

The routes list their errors as application/problem+json bodies that refer to the
`Problem` schema (app.api.problem_spec); FastAPI adds the schemas of the models the routes
name, so this one, with those it uses, is added here. The document is built once, on the
first request for it.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import TypeAdapter
from shared_schemas import Problem

from app.api.problem_spec import SCHEMA_REF_TEMPLATE


def with_problem_schema(document: dict[str, Any]) -> dict[str, Any]:
    """`document` with the Problem schema among its components (changed in place)."""
    schema = TypeAdapter(Problem).json_schema(
        mode="serialization", ref_template=SCHEMA_REF_TEMPLATE
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(schema.pop("$defs", {}))
    schemas[Problem.__name__] = schema
    return document


def install_openapi(app: FastAPI) -> None:
    """Serve the completed document at app.openapi_url."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                routes=app.routes,
                description=app.description,
            )
            app.openapi_schema = with_problem_schema(document)
        return app.openapi_schema

    # FastAPI's documented way to customise the document: replace the method.
    app.openapi = openapi  # type: ignore[method-assign]
