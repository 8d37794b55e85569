"""A small OTLP/HTTP receiver: it keeps the spans services export, for the tests to read.

Services export traces as OTLP over HTTP (protobuf) to OTEL_EXPORTER_OTLP_ENDPOINT, the
way they send them to a collector; `telemetry_environment` points them here.
"""

import gzip
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from stack import Service

TRACES_PATH = "/v1/traces"


@dataclass(frozen=True)
class ReceivedSpan:
    service: str
    name: str
    trace_id: str
    span_id: str
    # Empty for the root span of a trace.
    parent_span_id: str


def spans_of(request: ExportTraceServiceRequest) -> Iterator[ReceivedSpan]:
    for resource_spans in request.resource_spans:
        resource = resource_spans.resource
        attributes = {item.key: item.value.string_value for item in resource.attributes}
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                yield ReceivedSpan(
                    service=attributes.get("service.name", ""),
                    name=span.name,
                    trace_id=span.trace_id.hex(),
                    span_id=span.span_id.hex(),
                    parent_span_id=span.parent_span_id.hex(),
                )


class OtlpReceiver:
    def __init__(self, server: ThreadingHTTPServer) -> None:
        self.server = server
        self._spans: list[ReceivedSpan] = []
        # Notified on each export, so that a test waiting for spans wakes up as they arrive.
        self._arrived = threading.Condition()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def add(self, spans: Iterator[ReceivedSpan]) -> None:
        with self._arrived:
            self._spans.extend(spans)
            self._arrived.notify_all()

    @property
    def spans(self) -> list[ReceivedSpan]:
        with self._arrived:
            return list(self._spans)

    def wait_for(
        self, found: Callable[[list[ReceivedSpan]], bool], timeout: float = 15.0
    ) -> list[ReceivedSpan]:
        """The spans received, once `found` holds for them (services export in batches)."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: found(list(self._spans)), timeout):
                raise AssertionError(f"the expected spans never arrived; received: {self._spans}")
            return list(self._spans)


@contextmanager
def running_receiver() -> Iterator[OtlpReceiver]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            if self.headers.get("content-encoding") == "gzip":
                body = gzip.decompress(body)
            if self.path != TRACES_PATH:
                self.send_error(404)
                return
            request = ExportTraceServiceRequest()
            request.ParseFromString(body)
            receiver.add(spans_of(request))
            answer = ExportTraceServiceResponse().SerializeToString()
            self.send_response(200)
            self.send_header("content-type", "application/x-protobuf")
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the tests report what matters

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver = OtlpReceiver(server)
    # shutdown() waits for the server's loop to look again: every 0.05 s, not every 0.5 s.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


def telemetry_environment(services: list[Service], endpoint: str) -> dict[str, str]:
    """Variables that make every service export its traces to `endpoint` at once, and
    write JSON log lines."""
    env = {
        "OTEL_TRACES_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
        "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
        # Export every 100 ms instead of every 5 s: the tests wait for the spans.
        "OTEL_BSP_SCHEDULE_DELAY": "100",
    }
    for service in services:
        env[f"{service.env_prefix}LOG_FORMAT"] = "json"
    return env
