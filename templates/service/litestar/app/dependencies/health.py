"""The health service, wired with what the application opened at startup."""

from litestar.datastructures import State

from app.repository.health import HealthRepository
from app.services.health import HealthService


def provide_health_service(state: State) -> HealthService:
    return HealthService(
        service_name=state.settings.service_name,
        repository=HealthRepository(state.engine),
        peer_client=state.peer_client,
        expected_revisions=state.migration_heads,
    )
