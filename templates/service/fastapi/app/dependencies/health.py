"""The health service, wired with what the application opened at startup."""

from typing import Annotated

from fastapi import Depends, Request

from app.dependencies.health_wiring import build_health_service
from app.services.health import HealthService


# async although it awaits nothing: FastAPI runs a plain `def` dependency in a worker
# thread.
async def get_health_service(request: Request) -> HealthService:
    return build_health_service(request.app.state)


HealthServiceDep = Annotated[HealthService, Depends(get_health_service)]
