"""The health service built on what the application opened at startup (`app.state`):
with the broker among the checks of readiness when the service is connected to one."""

from typing import Any

from app.repository.health import HealthRepository
from app.services.broker_health import BrokerHealthService
from app.services.health import HealthService


def build_health_service(state: Any) -> HealthService:
    if state.messaging is None:
        return HealthService(
            service_name=state.settings.service_name,
            repository=HealthRepository(state.engine),
            peer_client=state.peer_client,
            expected_revisions=state.migration_heads,
        )
    return BrokerHealthService(
        service_name=state.settings.service_name,
        repository=HealthRepository(state.engine),
        peer_client=state.peer_client,
        expected_revisions=state.migration_heads,
        broker_problem=state.messaging.broker_problem,
    )
