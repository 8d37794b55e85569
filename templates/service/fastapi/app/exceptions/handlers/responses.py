"""Build the problem+json response every handler returns."""

from collections.abc import Mapping

from fastapi.responses import JSONResponse
from shared_config.constants import PROBLEM_MEDIA_TYPE
from shared_schemas import FieldError, Problem
from shared_utils import get_request_id


def problem_response(
    *,
    status_code: int,
    title: str,
    code: str,
    detail: str | None = None,
    errors: list[FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    problem = Problem(
        title=title,
        status=status_code,
        detail=detail,
        code=code,
        request_id=get_request_id(),
        errors=errors,
    )
    return JSONResponse(
        problem.model_dump(mode="json", exclude_none=True),
        status_code=status_code,
        headers=headers,
        media_type=PROBLEM_MEDIA_TYPE,
    )
