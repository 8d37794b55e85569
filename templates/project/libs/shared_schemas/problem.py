"""The one JSON shape of every error response, after RFC 9457 (Problem Details for HTTP APIs).

Example body of a 404:

    {
      "type": "about:blank",
      "title": "Not Found",
      "status": 404,
      "detail": "User 42 was not found.",
      "code": "user_not_found",
      "request_id": "5f0c..."
    }
"""

from typing import Any, Required, TypedDict

from pydantic import BaseModel, Field


class FieldError(BaseModel):
    """One invalid input field of a 422 response."""

    loc: list[str | int] = Field(description="Where the value is, e.g. ['body', 'name'].")
    message: str
    type: str = Field(description="Machine-readable kind of error, e.g. 'string_too_short'.")


class Problem(BaseModel):
    type: str = Field(default="about:blank", description="URI identifying the problem type.")
    title: str = Field(description="Short summary of the problem type.")
    status: int = Field(description="The HTTP status code.")
    detail: str | None = Field(default=None, description="What happened in this occurrence.")
    code: str = Field(description="Stable machine-readable error code, e.g. 'user_not_found'.")
    request_id: str | None = Field(default=None, description="Quote it when reporting a bug.")
    errors: list[FieldError] | None = Field(default=None, description="Invalid fields (422).")


class ProblemFields(TypedDict, total=False):
    """What an error handler says about an error: the fields of its `Problem` but the
    request id, which the service adds (the keyword arguments of its `problem_response`)."""

    status_code: Required[int]
    title: Required[str]
    code: Required[str]
    detail: str | None
    errors: list[FieldError] | None


def problem_body(fields: ProblemFields, request_id: str | None) -> dict[str, Any]:
    """The JSON body of an error response, whatever the service's framework."""
    problem = Problem(
        title=fields["title"],
        status=fields["status_code"],
        detail=fields.get("detail"),
        code=fields["code"],
        request_id=request_id,
        errors=fields.get("errors"),
    )
    return problem.model_dump(mode="json", exclude_none=True)
