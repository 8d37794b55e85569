"""The Allow header of Litestar's automatic answer to OPTIONS, corrected.

Litestar answers OPTIONS on every path by itself (204 with Allow), but lists there only
the methods of the path's first route handler: OPTIONS /items says POST and not GET.
`correct_allow_header`, which the observing middleware (app.middlewares.observability)
calls on the answers to OPTIONS only, writes the methods of the whole path instead, as
the 405 answers do.
"""

from litestar.routes import HTTPRoute

from app.middlewares.observe import Message, Scope


def allowed_methods(scope: Scope) -> str | None:
    """The methods of the route that answered, or None when no route did."""
    template = scope.get("path_template")
    for route in scope["litestar_app"].routes:
        if isinstance(route, HTTPRoute) and route.path_format == template:
            return ", ".join(sorted(route.methods))
    return None


def correct_allow_header(scope: Scope, message: Message) -> None:
    """Corrects Allow on the 204 answer to OPTIONS: called with the message that starts
    the answer to an OPTIONS request, before it is sent."""
    if message["status"] != 204:
        return
    methods = allowed_methods(scope)
    if methods is None:
        return
    headers = [header for header in message.get("headers", ()) if header[0].lower() != b"allow"]
    headers.append((b"allow", methods.encode("latin-1")))
    message["headers"] = headers
