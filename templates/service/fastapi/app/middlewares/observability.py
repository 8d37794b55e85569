"""Request ids, the access log, metrics and traces of every request (see
app.middlewares.observe, app.core.metrics and app.core.telemetry)."""

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.trace import TracerProvider

from app.core.metrics import ServiceMetrics
from app.middlewares.observe import METRICS_PATH, ObserveMiddleware, Scope


class RouteTemplates:
    """The path of the route that answered, as declared (`/api/v1/users/{user_id}`).

    FastAPI puts the matched route in the scope, also when only its method did not match
    (a 405); nothing when no route matched (a 404). That route's own path lacks the
    prefixes of the routers that include it: the full one is read from the application's
    route contexts, once, at the first request (every route exists by then).
    """

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.by_route: dict[int, str] | None = None

    def __call__(self, scope: Scope) -> str | None:
        route = scope.get("route")
        if route is None:
            return None
        if self.by_route is None:
            self.by_route = {
                id(context.original_route): context.path_format
                for context in iter_route_contexts(self.app.routes)
                if context.path_format is not None
            }
        return self.by_route.get(id(route))


def setup_observability(app: FastAPI, tracer_provider: TracerProvider | None) -> None:
    """Call after every other middleware is added: the observing middleware runs first."""
    metrics = ServiceMetrics(engine_of=lambda: getattr(app.state, "engine", None))
    app.state.metrics = metrics
    app.add_middleware(
        ObserveMiddleware,
        metrics=metrics,
        route_of=RouteTemplates(app),
        traced=tracer_provider is not None,
    )
    if tracer_provider is not None:
        # A server span per request, whose parent is the caller's (W3C traceparent); not
        # one more per ASGI message sent or received, which say little and cost much.
        FastAPIInstrumentor.instrument_app(
            app,
            tracer_provider=tracer_provider,
            excluded_urls=f"{METRICS_PATH}$",
            exclude_spans=["receive", "send"],
        )
