"""What a request is checked for before Litestar reads its parameters and body.

Litestar runs one `before_request` hook per route, the closest layer's, so the checks are
one hook, `check_request`, which each controller sets:

- a body sent as another media type than JSON is a 415 (app.api.content_type);
- an integer path or query parameter is plain decimal digits (shared_config.integers),
  anything else a 422 located at the parameter. Litestar converts such a parameter with
  msgspec, which also reads "1.0", "1e3" and "-0" as integers; this refuses them first.
"""

from typing import Any

from litestar import Request
from litestar.exceptions import ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.params import ParameterKwarg
from litestar.typing import FieldDefinition
from shared_config import NOT_DECIMAL_INTEGER_MESSAGE, is_decimal_integer

from app.api.content_type import require_json_body


def sent_value(
    request: Request[Any, Any, Any], name: str, field: FieldDefinition
) -> tuple[str, Any]:
    """Where the parameter `name` is read from ("path" or "query"), and its text as sent
    (None when it is not sent, or read from a header or a cookie)."""
    if name in request.path_params:
        return "path", request.path_params[name]
    kwarg = field.kwarg_definition
    if isinstance(kwarg, ParameterKwarg) and (kwarg.header or kwarg.cookie):
        return "query", None
    key = kwarg.query if isinstance(kwarg, ParameterKwarg) and kwarg.query else name
    # The last of repeated values is the one Litestar converts.
    values = request.query_params.getall(key, [])
    return "query", values[-1] if values else None


def integer_parameters(handler: HTTPRouteHandler) -> list[tuple[str, FieldDefinition]]:
    """The parameters of `handler` declared as integers, found once per route handler:
    inspecting the types on every request would cost more than the checks themselves."""
    found = _integer_parameters.get(handler)
    if found is None:
        found = [
            (name, field)
            for name, field in handler.parsed_fn_signature.parameters.items()
            if field.is_subclass_of(int) and not field.is_subclass_of(bool)
        ]
        _integer_parameters[handler] = found
    return found


# Route handlers, a few per application, are kept for as long as the process runs (they
# cannot be weakly referenced).
_integer_parameters: dict[HTTPRouteHandler, list[tuple[str, FieldDefinition]]] = {}


def not_decimal_errors(request: Request[Any, Any, Any]) -> list[dict[str, str]]:
    errors = []
    for name, field in integer_parameters(request.route_handler):
        source, value = sent_value(request, name, field)
        if isinstance(value, str) and not is_decimal_integer(value):
            errors.append({"key": name, "source": source, "message": NOT_DECIMAL_INTEGER_MESSAGE})
    return errors


async def check_request(request: Request[Any, Any, Any]) -> None:
    """A `before_request` hook: runs before the parameters and the body are read."""
    await require_json_body(request)
    if errors := not_decimal_errors(request):
        raise ValidationException(detail="The request is invalid.", extra=errors)
