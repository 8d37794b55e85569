"""The Allow header of Litestar's automatic answer to OPTIONS, corrected.

Litestar answers OPTIONS on every path by itself (204 with Allow), but lists there only
the methods of the path's first route handler: OPTIONS /items says POST and not GET.
This hook, which sees every response, writes the methods of the whole path instead, as
the 405 answers do.
"""

from litestar.datastructures import MutableScopeHeaders
from litestar.routes import HTTPRoute
from litestar.types import Message, Scope


def allowed_methods(scope: Scope) -> str | None:
    """The methods of the route that answered, or None when no route did."""
    template = scope.get("path_template")
    for route in scope["litestar_app"].routes:
        if isinstance(route, HTTPRoute) and route.path_format == template:
            return ", ".join(sorted(route.methods))
    return None


async def send_allow_header(message: Message, scope: Scope) -> None:
    """A `before_send` hook: corrects Allow on the 204 answer to OPTIONS."""
    if message["type"] != "http.response.start" or scope.get("method") != "OPTIONS":
        return
    methods = allowed_methods(scope)
    if message["status"] == 204 and methods is not None:
        MutableScopeHeaders.from_message(message)["Allow"] = methods
