"""Health endpoints: /health (liveness), /health/ready (readiness), /health/peers."""

from typing import Any

from fastapi import APIRouter, Response
from shared_schemas import HealthReport, PeersReport

from app.api.health_status import status_of
from app.dependencies.health import HealthServiceDep

router = APIRouter(prefix="/health", tags=["health"])

# Documents the 503 bodies in the OpenAPI schema (/docs).
NOT_READY: dict[int | str, dict[str, Any]] = {503: {"model": HealthReport}}
PEER_DOWN: dict[int | str, dict[str, Any]] = {503: {"model": PeersReport}}


@router.get("")
async def liveness(service: HealthServiceDep) -> HealthReport:
    return service.liveness()


@router.get("/ready", responses=NOT_READY)
async def readiness(service: HealthServiceDep, response: Response) -> HealthReport:
    report = await service.readiness()
    response.status_code = status_of(report)
    return report


@router.get("/peers", responses=PEER_DOWN)
async def peers(service: HealthServiceDep, response: Response) -> PeersReport:
    report = await service.peers()
    response.status_code = status_of(report)
    return report
