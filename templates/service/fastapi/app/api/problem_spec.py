"""One error response of a route, as FastAPI lists it in the OpenAPI document (see
app.api.responses).

The body is a `shared_schemas.Problem`, sent as application/problem+json. The entry refers
to the Problem schema (which app.api.openapi adds to the document) instead of naming the
model: FastAPI builds a pydantic validator for every response that names one, as the route
is added, and those were most of what building the application cost.
"""

from typing import Any

from shared_config.constants import PROBLEM_MEDIA_TYPE
from shared_schemas import Problem

Responses = dict[int | str, dict[str, Any]]

# Where a schema of the document's components is referred to from.
SCHEMA_REF_TEMPLATE = "#/components/schemas/{model}"
PROBLEM_SCHEMA_REF = SCHEMA_REF_TEMPLATE.format(model=Problem.__name__)


def problem(status: int, description: str) -> Responses:
    content = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": PROBLEM_SCHEMA_REF}}}
    return {status: {"description": description, "content": content}}
