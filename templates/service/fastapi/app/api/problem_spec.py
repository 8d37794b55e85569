"""One error response of a route, as FastAPI lists it in the OpenAPI document (see
app.api.responses).

The body is a `shared_schemas.Problem`, sent as application/problem+json. The entry refers
to the Problem schema (which app.api.openapi adds to the document) instead of naming the
model: FastAPI builds a pydantic validator for every response that names one, as the route
is added, and those were most of what building the application cost.
"""

from typing import Any

from shared_config.constants import PROBLEM_MEDIA_TYPE

Responses = dict[int | str, dict[str, Any]]

PROBLEM_SCHEMA_REF = "#/components/schemas/Problem"


def problem(status: int, description: str) -> Responses:
    content = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": PROBLEM_SCHEMA_REF}}}
    return {status: {"description": description, "content": content}}
