"""Metrics of the service, in the Prometheus text format (served at GET /metrics).

- `http_requests_total` and `http_request_duration_seconds`, labelled by method, route
  template (`/api/v1/users/{user_id}`, never the raw path, so that the number of series
  stays bounded: every path no route matches shares the label UNMATCHED_ROUTE) and status.
- `db_pool_size` and `db_pool_checked_out_connections`: the database connection pool,
  read when scraped.

Each application has a registry of its own, so that several can run in one process.
"""

import time
from bisect import bisect_left
from collections.abc import Callable, Iterator

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry
from prometheus_client import generate_latest as exposition
from prometheus_client import metrics as client_metrics
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncEngine

UNMATCHED_ROUTE = "<unmatched>"
METRICS_CONTENT_TYPE = CONTENT_TYPE_LATEST
# Methods outside this set (anything a client makes up) share one label.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OTHER_METHOD = "OTHER"
LABELS = ("method", "route", "status")
# The upper bounds of the duration histogram's buckets, in seconds (Prometheus's defaults).
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0)
# Their `le` labels, as the client library writes them.
BUCKET_LABELS = (*(str(bound) for bound in DURATION_BUCKETS), "+Inf")


class DatabasePoolCollector(Collector):
    """Reads the pool of the application's engine at each scrape (nothing before startup)."""

    def __init__(self, engine_of: Callable[[], AsyncEngine | None]) -> None:
        self.engine_of = engine_of

    def collect(self) -> Iterator[GaugeMetricFamily]:
        engine = self.engine_of()
        pool = engine.pool if engine is not None else None
        size = getattr(pool, "size", None)
        checked_out = getattr(pool, "checkedout", None)
        # Pools that keep no fixed set of connections (SQLite in memory) have neither.
        if not callable(size) or not callable(checked_out):
            return
        yield GaugeMetricFamily(
            "db_pool_size", "Connections the database pool keeps open.", value=size()
        )
        yield GaugeMetricFamily(
            "db_pool_checked_out_connections",
            "Connections of the pool in use by requests.",
            value=checked_out(),
        )


class RequestSeries:
    """The requests of one label set: how many, how long in all, and how many took at
    most each bucket's bound (the last count: longer than every bound)."""

    __slots__ = ("buckets", "count", "created", "seconds")

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0
        self.buckets = [0] * (len(DURATION_BUCKETS) + 1)
        self.created = time.time()


class RequestCollector(Collector):
    """`http_requests_total` and `http_request_duration_seconds`, by label set.

    Requests are recorded by the event loop's thread only (the observing middleware), in
    plain numbers: the client library's own counters take a lock and check their state for
    every value added, three times per request. The scrape, on the same thread, turns the
    numbers into the families the client library writes.
    """

    def __init__(self) -> None:
        self.series: dict[tuple[str, str, int], RequestSeries] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        method = method if method in KNOWN_METHODS else OTHER_METHOD
        key = (method, route, status)
        series = self.series.get(key)
        if series is None:
            series = self.series[key] = RequestSeries()
        series.count += 1
        series.seconds += seconds
        # The first bucket whose bound is at least `seconds`, as the client library counts.
        series.buckets[bisect_left(DURATION_BUCKETS, seconds)] += 1

    def collect(self) -> Iterator[Metric]:
        requests = CounterMetricFamily("http_requests", "HTTP requests answered.", labels=LABELS)
        durations = HistogramMetricFamily(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, in seconds.",
            labels=LABELS,
        )
        # The `_created` series, unless switched off as for the client library's metrics
        # (PROMETHEUS_DISABLE_CREATED_SERIES, disable_created_metrics()).
        with_created = getattr(client_metrics, "_use_created", True)
        for (method, route, status), series in list(self.series.items()):
            labels = [method, route, str(status)]
            requests.add_metric(
                labels, series.count, created=series.created if with_created else None
            )
            cumulative = 0
            buckets = []
            for bound, count in zip(BUCKET_LABELS, series.buckets, strict=True):
                cumulative += count
                buckets.append((bound, float(cumulative)))
            durations.add_metric(labels, buckets, series.seconds)
            if not with_created:
                continue
            durations.samples.append(
                durations.samples[-1]._replace(
                    name="http_request_duration_seconds_created", value=series.created
                )
            )
        yield requests
        yield durations


class ServiceMetrics:
    def __init__(self, engine_of: Callable[[], AsyncEngine | None]) -> None:
        self.registry = CollectorRegistry()
        self.requests = RequestCollector()
        self.registry.register(self.requests)
        self.registry.register(DatabasePoolCollector(engine_of))
        # Bound once: called for every request.
        self.observe = self.requests.observe

    def exposition(self) -> bytes:
        return exposition(self.registry)
