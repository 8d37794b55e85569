"""The health service, wired with what the application opened at startup."""

from litestar.datastructures import State

from app.dependencies.health_wiring import build_health_service
from app.services.health import HealthService


def provide_health_service(state: State) -> HealthService:
    return build_health_service(state)
