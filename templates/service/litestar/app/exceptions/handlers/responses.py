"""Build the problem+json response every handler returns."""

from collections.abc import Mapping
from typing import Any, Unpack

from litestar import Request, Response
from shared_config.constants import PROBLEM_MEDIA_TYPE
from shared_schemas import ProblemFields, problem_body

from app.middlewares.request_id import request_id_of


def problem_response(
    request: Request[Any, Any, Any],
    *,
    headers: Mapping[str, str] | None = None,
    **fields: Unpack[ProblemFields],
) -> Response[Any]:
    return Response(
        # The request id from the request itself: a 404 or 405 of the router is answered
        # before any middleware has run.
        problem_body(fields, request_id_of(request.scope)),
        status_code=fields["status_code"],
        headers=headers,
        media_type=PROBLEM_MEDIA_TYPE,
    )
