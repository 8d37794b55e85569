"""Traces of the service (OpenTelemetry), configured by the standard OTEL_* variables only.

- OTEL_SDK_DISABLED=true: no tracing at all.
- OTEL_TRACES_EXPORTER: `otlp`, `console` or `none`, or several separated by commas. When it
  is not set, traces are exported over OTLP if an endpoint is set
  (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), and not at all
  otherwise: a service run with no collector to send to does no tracing work.
- OTEL_EXPORTER_OTLP_ENDPOINT / _HEADERS / _TIMEOUT: read by the OTLP exporter itself.
  OTEL_EXPORTER_OTLP_PROTOCOL: `http/protobuf` (the default, the only one installed).
- OTEL_SERVICE_NAME: the name spans carry; the service's own name by default.
- OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG: read by the SDK (`parentbased_always_on`
  by default: a request is traced when its caller's was).
- OTEL_BSP_*: how the batch span processor buffers and sends.

Incoming and outgoing requests carry the trace context as a W3C `traceparent` header.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from sqlalchemy.ext.asyncio import AsyncEngine

EXPORTERS = ("otlp", "console", "none")
OTLP_PROTOCOL = "http/protobuf"


class TelemetryConfigError(ValueError):
    """An OTEL_* variable has a value this service cannot honour."""


@dataclass(frozen=True)
class TracingConfig:
    service_name: str
    # The exporters spans go to; empty: no tracing.
    exporters: tuple[str, ...]

    @property
    def enabled(self) -> bool:
        return bool(self.exporters)


def is_true(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


def tracing_config(
    default_service_name: str, environ: Mapping[str, str] = os.environ
) -> TracingConfig:
    """What the OTEL_* variables of `environ` ask for; raises TelemetryConfigError."""
    service_name = environ.get("OTEL_SERVICE_NAME", "").strip() or default_service_name
    if is_true(environ.get("OTEL_SDK_DISABLED")):
        return TracingConfig(service_name, ())
    names = environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if not names:
        endpoint_set = any(
            environ.get(variable, "").strip()
            for variable in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        )
        names = "otlp" if endpoint_set else "none"
    exporters = tuple(dict.fromkeys(name.strip() for name in names.split(",") if name.strip()))
    unknown = [name for name in exporters if name not in EXPORTERS]
    if unknown:
        raise TelemetryConfigError(
            f"OTEL_TRACES_EXPORTER: unknown exporter {unknown[0]!r}; use one of {EXPORTERS}"
        )
    exporters = tuple(name for name in exporters if name != "none")
    if "otlp" in exporters:
        protocol = (
            environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "").strip()
            or environ.get("OTEL_EXPORTER_OTLP_PROTOCOL", "").strip()
            or OTLP_PROTOCOL
        )
        if protocol != OTLP_PROTOCOL:
            raise TelemetryConfigError(
                f"OTEL_EXPORTER_OTLP_PROTOCOL={protocol!r} is not supported: this service "
                f"exports OTLP as {OTLP_PROTOCOL!r} (port 4318 of a collector)"
            )
    return TracingConfig(service_name, exporters)


def one_line(span: ReadableSpan) -> str:
    # One JSON object per line, like the logs, rather than the SDK's indented default.
    line: str = span.to_json(indent=None)
    return line + "\n"


def new_exporter(name: str) -> SpanExporter:
    if name == "console":
        return ConsoleSpanExporter(formatter=one_line)
    return OTLPSpanExporter()  # endpoint, headers and timeout from OTEL_EXPORTER_OTLP_*


def build_tracer_provider(config: TracingConfig) -> TracerProvider | None:
    """A provider exporting to the configured exporters, or None when tracing is off."""
    if not config.enabled:
        return None
    # The sampler comes from OTEL_TRACES_SAMPLER, which the SDK reads itself.
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: config.service_name}))
    for name in config.exporters:
        provider.add_span_processor(BatchSpanProcessor(new_exporter(name)))
    return provider


@cache
def tracer_provider(service_name: str) -> TracerProvider | None:
    """The provider of this process, built once from the environment (None: tracing off).

    It also becomes the global provider, so that `trace.get_tracer(__name__)` anywhere in
    the service creates spans of the same traces.
    """
    provider = build_tracer_provider(tracing_config(service_name))
    if provider is not None:
        trace.set_tracer_provider(provider)
    return provider


def instrument_engine(engine: AsyncEngine, provider: TracerProvider | None) -> None:
    """Trace the SQL statements of `engine` (a span per statement)."""
    if provider is None:
        return
    instrumentor = SQLAlchemyInstrumentor()
    # The instrumentor is one per process and follows one engine: a new engine (the
    # application restarted in the same process, as tests do) replaces the previous one.
    if instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.uninstrument()
    # skip_dep_check: the instrumentation declares SQLAlchemy < 2.1 but works with 2.1 (it
    # listens to engine events, which have not changed); tests/test_telemetry.py checks it.
    instrumentor.instrument(
        engine=engine.sync_engine, tracer_provider=provider, skip_dep_check=True
    )
