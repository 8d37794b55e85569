"""One error response of a route, as FastAPI lists it in the OpenAPI document (see
app.api.responses).

The body is a `shared_schemas.Problem`; app.api.openapi gives these entries the
application/problem+json media type.
"""

from typing import Any

from shared_schemas import Problem

Responses = dict[int | str, dict[str, Any]]


def problem(status: int, description: str) -> Responses:
    return {status: {"model": Problem, "description": description}}
