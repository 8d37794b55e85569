"""Build the problem+json response every handler returns."""

from collections.abc import Mapping
from typing import Any, Unpack

from litestar import Request, Response
from shared_config.constants import PROBLEM_MEDIA_TYPE
from shared_schemas import ProblemFields, problem_body
from shared_utils import get_request_id


def problem_response(
    request: Request[Any, Any, Any],
    *,
    headers: Mapping[str, str] | None = None,
    **fields: Unpack[ProblemFields],
) -> Response[Any]:
    return Response(
        # Set by app.middlewares.observe, which runs around the router too.
        problem_body(fields, get_request_id()),
        status_code=fields["status_code"],
        headers=headers,
        media_type=PROBLEM_MEDIA_TYPE,
    )
