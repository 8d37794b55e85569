"""The health service, wired with what the application opened at startup."""

from typing import Annotated

from fastapi import Depends, Request

from app.repository.health import HealthRepository
from app.services.health import HealthService


# async although it awaits nothing: FastAPI runs a plain `def` dependency in a worker
# thread.
async def get_health_service(request: Request) -> HealthService:
    state = request.app.state
    return HealthService(
        service_name=state.settings.service_name,
        repository=HealthRepository(state.engine),
        peer_client=state.peer_client,
        expected_revisions=state.migration_heads,
    )


HealthServiceDep = Annotated[HealthService, Depends(get_health_service)]
