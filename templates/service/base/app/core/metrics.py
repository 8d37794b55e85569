"""Metrics of the service, in the Prometheus text format (served at GET /metrics).

- `http_requests_total` and `http_request_duration_seconds`, labelled by method, route
  template (`/api/v1/users/{user_id}`, never the raw path, so that the number of series
  stays bounded: every path no route matches shares the label UNMATCHED_ROUTE) and status.
- `db_pool_size` and `db_pool_checked_out_connections`: the database connection pool,
  read when scraped.

Each application has a registry of its own, so that several can run in one process.
"""

from collections.abc import Callable, Iterator

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client import generate_latest as exposition
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncEngine

UNMATCHED_ROUTE = "<unmatched>"
METRICS_CONTENT_TYPE = CONTENT_TYPE_LATEST
# Methods outside this set (anything a client makes up) share one label.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OTHER_METHOD = "OTHER"
LABELS = ("method", "route", "status")


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


class ServiceMetrics:
    def __init__(self, engine_of: Callable[[], AsyncEngine | None]) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "http_requests", "HTTP requests answered.", LABELS, registry=self.registry
        )
        self.duration = Histogram(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, in seconds.",
            LABELS,
            registry=self.registry,
        )
        self.registry.register(DatabasePoolCollector(engine_of))
        # The two series of each label set, looked up once: `labels()` takes a lock and
        # checks its arguments on every call. The keys are bounded like the labels.
        self.series: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        method = method if method in KNOWN_METHODS else OTHER_METHOD
        key = (method, route, status)
        series = self.series.get(key)
        if series is None:
            labels = (method, route, str(status))
            series = self.requests.labels(*labels), self.duration.labels(*labels)
            self.series[key] = series
        series[0].inc()
        series[1].observe(seconds)

    def exposition(self) -> bytes:
        return exposition(self.registry)
