"""One request across two services: one trace, counted by both, and logs that agree.

The services run with their traces exported to a test OTLP receiver and their logs
written as JSON lines (see conftest.py).
"""

import json
import os
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from otlp_receiver import OtlpReceiver, ReceivedSpan
from prometheus_client.parser import text_string_to_metric_families
from stack import read_services

SERVICES = read_services()

pytestmark = pytest.mark.skipif(
    os.environ.get("STACK_RUNNING") == "1",
    reason="reads the traces and logs of the services these tests start",
)


def request_count(http: httpx.Client, base_url: str, route: str) -> float:
    """http_requests_total of GET `route` answered with 200, from the service's /metrics."""
    response = http.get(f"{base_url}/metrics")
    assert response.status_code == 200
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            wanted = {"method": "GET", "route": route, "status": "200"}
            if sample.name == "http_requests_total" and sample.labels == wanted:
                return sample.value
    return 0.0


def json_log_lines(log_file: Path) -> list[dict[str, Any]]:
    """The JSON lines of a service's output (migrations write plain text before it starts)."""
    entries = []
    for line in log_file.read_text(encoding="utf-8").splitlines():
        if line.startswith("{"):
            entry = json.loads(line)
            assert isinstance(entry, dict)
            entries.append(entry)
    return entries


def logged(log_file: Path, key: str, value: str) -> list[dict[str, Any]]:
    """The service's JSON log lines whose `key` is `value`, once it has written some."""
    deadline = time.monotonic() + 10
    while not (found := [line for line in json_log_lines(log_file) if line[key] == value]):
        if time.monotonic() > deadline:
            raise AssertionError(f"no line of {log_file} has {key} {value!r}")
        time.sleep(0.05)
    return found


def test_a_call_to_a_peer_is_one_trace_counted_and_logged_by_both(
    urls: dict[str, str], http: httpx.Client, otlp_receiver: OtlpReceiver, stack_dir: Path
) -> None:
    if len(SERVICES) < 2:
        pytest.skip("the project has a single service: it has no peer to call")
    caller, callee = SERVICES[0], SERVICES[1]
    calls_before = request_count(http, urls[caller.name], "/health/peers")
    checks_before = request_count(http, urls[callee.name], "/health")
    request_id = f"e2e-{uuid.uuid4().hex}"

    response = http.get(f"{urls[caller.name]}/health/peers", headers={"X-Request-ID": request_id})
    assert response.status_code == 200, response.text

    # The logs: every line of the request, in both services, has one trace id.
    caller_lines = logged(stack_dir / f"{caller.name}.log", "request_id", request_id)
    trace_ids = {line["trace_id"] for line in caller_lines}
    assert len(trace_ids) == 1
    (trace_id,) = trace_ids
    assert trace_id is not None
    callee_lines = logged(stack_dir / f"{callee.name}.log", "trace_id", trace_id)
    assert {line["request_id"] for line in callee_lines} == {request_id}
    assert {line["service"] for line in caller_lines + callee_lines} == {caller.name, callee.name}

    # The trace: the caller's request, its call to the peer, and the peer's request.
    def of_trace(spans: list[ReceivedSpan]) -> list[ReceivedSpan]:
        return [span for span in spans if span.trace_id == trace_id]

    def complete(spans: list[ReceivedSpan]) -> bool:
        # Each service exports in batches of its own, so spans of the trace arrive in any
        # order. A service's request span ends after its inner spans and is exported with or
        # after them: the trace is all here once the caller's request span (its root) and the
        # peer's request span (a child of the caller's call) have arrived.
        trace = of_trace(spans)
        caller_ids = {span.span_id for span in trace if span.service == caller.name}
        caller_done = any(span.service == caller.name and not span.parent_span_id for span in trace)
        callee_done = any(
            span.service == callee.name and span.parent_span_id in caller_ids for span in trace
        )
        return caller_done and callee_done

    spans = of_trace(otlp_receiver.wait_for(complete))
    by_id = {span.span_id: span for span in spans}
    roots = [span for span in spans if not span.parent_span_id]
    assert [root.service for root in roots] == [caller.name]
    # Every span hangs from the caller's request: one connected trace, not two.
    for span in spans:
        while span.parent_span_id:
            assert span.parent_span_id in by_id, f"{span} has a parent outside the trace"
            span = by_id[span.parent_span_id]
        assert span == roots[0]
    entering_callee = [
        span
        for span in spans
        if span.service == callee.name and by_id[span.parent_span_id].service == caller.name
    ]
    assert entering_callee, "the peer's spans do not continue the caller's call"

    # The metrics: each service counted its side of the request once.
    assert request_count(http, urls[caller.name], "/health/peers") == calls_before + 1
    assert request_count(http, urls[callee.name], "/health") == checks_before + 1
