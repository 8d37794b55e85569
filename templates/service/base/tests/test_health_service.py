"""HealthService on its own: the peers are fake HTTP servers (httpx.MockTransport)."""

from collections.abc import Callable

import httpx
from shared_schemas import CheckStatus
from shared_utils import PeerClient, set_request_id
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.database import create_engine
from app.core.migrations import migration_heads
from app.repository.health import HealthRepository
from app.services.health import HealthService


def echo_request_id(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, headers={"X-Request-ID": request.headers.get("X-Request-ID", "")})


def refuse_connection(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def make_service(
    engine: AsyncEngine,
    peers: dict[str, str] | None = None,
    handler: Callable[[httpx.Request], httpx.Response] = echo_request_id,
    expected_revisions: frozenset[str] | None = None,
) -> HealthService:
    client = PeerClient(peers or {}, httpx.AsyncClient(transport=httpx.MockTransport(handler)))
    # The `engine` fixture's database is at the head of the migrations, like a migrated one.
    expected = migration_heads() if expected_revisions is None else expected_revisions
    return HealthService("test", HealthRepository(engine), client, expected)


async def test_readiness_checks_the_database(engine: AsyncEngine) -> None:
    service = make_service(engine)

    report = await service.readiness()

    assert report.status is CheckStatus.OK
    assert report.checks == {"database": CheckStatus.OK, "migrations": CheckStatus.OK}


async def test_readiness_reports_a_schema_behind_the_code(engine: AsyncEngine) -> None:
    # The code has a migration (a new head) that the database has not seen.
    service = make_service(engine, expected_revisions=frozenset({"9999_newer"}))

    report = await service.readiness()

    assert report.status is CheckStatus.UNAVAILABLE
    assert report.checks == {"database": CheckStatus.OK, "migrations": CheckStatus.UNAVAILABLE}
    assert report.detail is not None
    assert "9999_newer" in report.detail
    assert "make migrate" in report.detail


async def test_readiness_reports_an_unreachable_database(unreachable_database_url: str) -> None:
    engine = create_engine(unreachable_database_url)
    service = make_service(engine)

    report = await service.readiness()
    await engine.dispose()

    assert report.status is CheckStatus.UNAVAILABLE
    assert report.checks == {"database": CheckStatus.UNAVAILABLE}


async def test_peers_get_the_request_id(engine: AsyncEngine) -> None:
    service = make_service(engine, {"orders": "http://orders"})
    set_request_id("req-42")

    report = await service.peers()

    assert report.status is CheckStatus.OK
    [peer] = report.peers
    assert peer.status_code == 200
    assert peer.request_id == "req-42"


async def test_one_peer_down_makes_the_report_unavailable(engine: AsyncEngine) -> None:
    def route(request: httpx.Request) -> httpx.Response:
        if request.url.host == "down":
            return refuse_connection(request)
        return echo_request_id(request)

    service = make_service(engine, {"up": "http://up", "down": "http://down"}, route)

    report = await service.peers()

    assert report.status is CheckStatus.UNAVAILABLE
    statuses = {peer.name: peer.status for peer in report.peers}
    assert statuses == {"up": CheckStatus.OK, "down": CheckStatus.UNAVAILABLE}
