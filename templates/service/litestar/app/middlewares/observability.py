"""Request ids, the access log, metrics and traces of every request (see
app.middlewares.observe, app.core.metrics and app.core.telemetry)."""

from litestar import Litestar
from litestar.plugins import PluginProtocol
from litestar.plugins.opentelemetry import OpenTelemetryConfig, OpenTelemetryPlugin
from opentelemetry.sdk.trace import TracerProvider

from app.core.metrics import ServiceMetrics
from app.middlewares.allow_header import correct_allow_header
from app.middlewares.observe import METRICS_PATH, ObserveMiddleware, Scope


def route_template(scope: Scope) -> str | None:
    """The path of the route that answered, as declared (`/api/v1/users/{user_id}`).

    Litestar's router writes it in the scope once a route matched; nothing when none did
    (a 404, or a 405: its router refuses the method before naming the route).
    """
    template = scope.get("path_template")
    return template if isinstance(template, str) and template else None


def telemetry_plugins(tracer_provider: TracerProvider | None) -> list[PluginProtocol]:
    """Litestar's OpenTelemetry plugin: a server span per request, whose parent is the
    caller's (W3C traceparent); not one more per ASGI message sent or received, which say
    little and cost much. None when tracing is off."""
    if tracer_provider is None:
        return []
    config = OpenTelemetryConfig(
        tracer_provider=tracer_provider,
        exclude=[f"^{METRICS_PATH}$"],
        exclude_spans=["receive", "send"],
    )
    return [OpenTelemetryPlugin(config)]


def setup_observability(app: Litestar) -> None:
    """Give every request the application answers its id, count it and log it.

    Litestar's middlewares run around route handlers only; this middleware wraps the
    application's whole handler instead, so that it also sees the router's 404s.
    """
    metrics = ServiceMetrics(engine_of=lambda: getattr(app.state, "engine", None))
    app.state.metrics = metrics
    # Litestar types the ASGI messages more narrowly than this plain middleware; they are
    # the same.
    traced = app.state.tracer_provider is not None  # see telemetry_plugins
    middleware = ObserveMiddleware(
        app.asgi_handler,  # type: ignore[arg-type]
        metrics,
        route_template,
        traced=traced,
        on_options=correct_allow_header,
    )
    app.asgi_handler = middleware  # type: ignore[assignment]
