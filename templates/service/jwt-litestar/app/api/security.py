"""The bearer scheme in the OpenAPI document: declared once, required by every guarded
operation, which also lists the 401 and 403 its guard answers (as problem+json)."""

from litestar.openapi.spec import (
    Components,
    OpenAPI,
    OpenAPIMediaType,
    OpenAPIResponse,
    Reference,
    SecurityScheme,
)
from shared_config.constants import PROBLEM_MEDIA_TYPE

BEARER = "BearerToken"
SECURITY_SCHEMES = {
    BEARER: SecurityScheme(
        type="http",
        scheme="bearer",
        bearer_format="JWT",
        description="An access token from the identity service.",
    )
}
# The security requirement of a guarded route.
REQUIRES_TOKEN: list[dict[str, list[str]]] = [{BEARER: []}]
ACCESS_ERRORS = {
    "401": "No valid access token (Authorization: Bearer <token>).",
    "403": "The access token lacks the scope this request needs.",
}
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def components() -> Components:
    return Components(security_schemes=dict(SECURITY_SCHEMES))


def declare_access_errors(document: OpenAPI) -> None:
    """List 401 and 403 on every operation that requires a token (changed in place)."""
    problem = OpenAPIMediaType(schema=Reference(ref="#/components/schemas/Problem"))
    for path_item in (document.paths or {}).values():
        for method in HTTP_METHODS:
            operation = getattr(path_item, method, None)
            if operation is None or not operation.security:
                continue
            responses = operation.responses if operation.responses is not None else {}
            for status, description in ACCESS_ERRORS.items():
                responses.setdefault(
                    status,
                    OpenAPIResponse(description=description, content={PROBLEM_MEDIA_TYPE: problem}),
                )
            operation.responses = responses
