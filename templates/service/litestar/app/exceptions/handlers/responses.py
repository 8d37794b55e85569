"""Build the problem+json response every handler returns."""

from collections.abc import Mapping
from typing import Any

from litestar import Request, Response
from shared_config.constants import PROBLEM_MEDIA_TYPE
from shared_schemas import FieldError, Problem

from app.middlewares.request_id import request_id_of


def problem_response(
    request: Request[Any, Any, Any],
    *,
    status_code: int,
    title: str,
    code: str,
    detail: str | None = None,
    errors: list[FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response[Any]:
    problem = Problem(
        title=title,
        status=status_code,
        detail=detail,
        code=code,
        # From the request itself: a 404 or 405 of the router is answered before any
        # middleware has run.
        request_id=request_id_of(request.scope),
        errors=errors,
    )
    return Response(
        problem.model_dump(mode="json", exclude_none=True),
        status_code=status_code,
        headers=headers,
        media_type=PROBLEM_MEDIA_TYPE,
    )
