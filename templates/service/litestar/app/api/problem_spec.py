"""One error response of a route, as Litestar lists it in the OpenAPI document (see
app.api.responses): a `shared_schemas.Problem` sent as application/problem+json."""

from litestar.openapi import ResponseSpec
from shared_config.constants import PROBLEM_MEDIA_TYPE
from shared_schemas import Problem

Responses = dict[int, ResponseSpec]


def problem(status: int, description: str) -> Responses:
    return {status: ResponseSpec(Problem, description=description, media_type=PROBLEM_MEDIA_TYPE)}
