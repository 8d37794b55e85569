"""Readiness that includes the broker: events wait in the outbox while it is down."""

from collections.abc import Awaitable, Callable

from shared_schemas import CheckStatus, HealthReport
from shared_utils import PeerClient

from app.repository.health import HealthRepository
from app.services.health import HealthService

# Says what is wrong with the broker in a few words, or None when it answers.
BrokerProblem = Callable[[], Awaitable[str | None]]


class BrokerHealthService(HealthService):
    def __init__(
        self,
        service_name: str,
        repository: HealthRepository,
        peer_client: PeerClient,
        expected_revisions: frozenset[str] | None,
        broker_problem: BrokerProblem,
    ) -> None:
        super().__init__(service_name, repository, peer_client, expected_revisions)
        self.broker_problem = broker_problem

    async def readiness(self) -> HealthReport:
        report = await super().readiness()
        problem = await self.broker_problem()
        status = CheckStatus.OK if problem is None else CheckStatus.UNAVAILABLE
        checks = {**report.checks, "broker": status}
        if problem is None:
            return report.model_copy(update={"checks": checks})
        detail = f"The broker is unavailable: {problem}."
        return report.model_copy(
            update={
                "status": CheckStatus.UNAVAILABLE,
                "checks": checks,
                "detail": detail if report.detail is None else f"{report.detail} {detail}",
            }
        )
