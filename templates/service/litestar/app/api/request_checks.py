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
from shared_config import NOT_DECIMAL_INTEGER_MESSAGE, is_decimal_integer

from app.api.content_type import BODY_METHODS, check_json_body

# An integer parameter of a route handler: its name, and the key of the query parameter it
# is read from when it is not a path parameter.
IntegerParameter = tuple[str, str]


def integer_parameters(handler: HTTPRouteHandler) -> list[IntegerParameter]:
    """The parameters of `handler` declared as integers and read from the path or the query
    (not from a header or a cookie), found once per route handler: inspecting the types on
    every request would cost more than the checks themselves."""
    found = _integer_parameters.get(handler)
    if found is None:
        found = []
        for name, field in handler.parsed_fn_signature.parameters.items():
            if not field.is_subclass_of(int) or field.is_subclass_of(bool):
                continue
            kwarg = field.kwarg_definition
            if isinstance(kwarg, ParameterKwarg):
                if kwarg.header or kwarg.cookie:
                    continue
                found.append((name, kwarg.query or name))
            else:
                found.append((name, name))
        _integer_parameters[handler] = found
    return found


# Route handlers, a few per application, are kept for as long as the process runs (they
# cannot be weakly referenced).
_integer_parameters: dict[HTTPRouteHandler, list[IntegerParameter]] = {}


def not_decimal_errors(request: Request[Any, Any, Any]) -> list[dict[str, str]]:
    """The integer parameters sent as anything but plain decimal digits, located at the
    path or the query."""
    errors = []
    path_params = request.path_params
    for name, query_key in integer_parameters(request.route_handler):
        if name in path_params:
            source, value = "path", path_params[name]
        else:
            # The last of repeated values is the one Litestar converts.
            values = request.query_params.getall(query_key, [])
            source, value = "query", values[-1] if values else None
        if isinstance(value, str) and not is_decimal_integer(value):
            errors.append({"key": name, "source": source, "message": NOT_DECIMAL_INTEGER_MESSAGE})
    return errors


async def check_request(request: Request[Any, Any, Any]) -> None:
    """A `before_request` hook: runs before the parameters and the body are read."""
    if request.scope["method"] in BODY_METHODS:
        check_json_body(request)
    if errors := not_decimal_errors(request):
        raise ValidationException(detail="The request is invalid.", extra=errors)
