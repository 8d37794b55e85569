"""Metrics and traces of every request (see app.core.metrics and app.core.telemetry)."""

from fastapi import FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.trace import TracerProvider

from app.core.metrics import ServiceMetrics
from app.middlewares.metrics import METRICS_PATH, MetricsMiddleware, Scope


def route_template(scope: Scope) -> str | None:
    """The path of the route that answered, as declared (`/api/v1/users/{user_id}`).

    FastAPI puts the matched route in the scope, also when only its method did not match
    (a 405); nothing when no route matched (a 404).
    """
    template = getattr(scope.get("route"), "path_format", None)
    return template if isinstance(template, str) else None


def setup_observability(app: FastAPI, tracer_provider: TracerProvider | None) -> None:
    """Call after every other middleware is added: the metrics middleware runs first."""
    metrics = ServiceMetrics(engine_of=lambda: getattr(app.state, "engine", None))
    app.state.metrics = metrics
    app.add_middleware(MetricsMiddleware, metrics=metrics, route_of=route_template)
    if tracer_provider is not None:
        # A server span per request, whose parent is the caller's (W3C traceparent).
        FastAPIInstrumentor.instrument_app(
            app, tracer_provider=tracer_provider, excluded_urls=f"{METRICS_PATH}$"
        )
