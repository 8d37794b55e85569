"""The health service built on what the application opened at startup (`app.state`)."""

from typing import Any

from app.repository.health import HealthRepository
from app.services.health import HealthService


def build_health_service(state: Any) -> HealthService:
    return HealthService(
        service_name=state.settings.service_name,
        repository=HealthRepository(state.engine),
        peer_client=state.peer_client,
        expected_revisions=state.migration_heads,
    )
