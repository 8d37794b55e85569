"""Health endpoints: /health (liveness), /health/ready (readiness), /health/peers."""

from litestar import Controller, Response, get
from litestar.di import NamedDependency, Provide
from litestar.openapi import ResponseSpec
from shared_schemas import HealthReport, PeersReport

from app.api.health_status import status_of
from app.dependencies.health import provide_health_service
from app.services.health import HealthService


class HealthController(Controller):
    path = "/health"
    tags = ("health",)
    # Litestar reads this once, at startup.
    dependencies = {"service": Provide(provide_health_service, sync_to_thread=False)}  # noqa: RUF012

    @get()
    async def liveness(self, service: NamedDependency[HealthService]) -> HealthReport:
        return service.liveness()

    @get("/ready", responses={503: ResponseSpec(HealthReport, description="Not ready")})
    async def readiness(self, service: NamedDependency[HealthService]) -> Response[HealthReport]:
        report = await service.readiness()
        return Response(report, status_code=status_of(report))

    @get("/peers", responses={503: ResponseSpec(PeersReport, description="A peer is down")})
    async def peers(self, service: NamedDependency[HealthService]) -> Response[PeersReport]:
        report = await service.peers()
        return Response(report, status_code=status_of(report))
