"""Health of the service: is it alive, can it reach its database, can it reach its peers."""

import asyncio
import logging

import httpx
from shared_config import REQUEST_ID_HEADER
from shared_schemas import CheckStatus, HealthReport, PeerReport, PeersReport
from shared_utils import PeerClient

from app.repository.health import HealthRepository

logger = logging.getLogger(__name__)

MIGRATE_HINT = "apply the migrations with `make migrate` (`alembic upgrade head` in the service)"


class HealthService:
    def __init__(
        self,
        service_name: str,
        repository: HealthRepository,
        peer_client: PeerClient,
        expected_revisions: frozenset[str] | None,
    ) -> None:
        self.service_name = service_name
        self.repository = repository
        self.peer_client = peer_client
        # The head of the service's migrations (app.core.migrations); None: not checked.
        self.expected_revisions = expected_revisions

    def liveness(self) -> HealthReport:
        # Answering at all is the proof of life: no dependency is checked here, so that an
        # orchestrator does not restart the service because its database is down.
        return HealthReport(service=self.service_name, status=CheckStatus.OK)

    async def readiness(self) -> HealthReport:
        """Ready when the database answers and its schema is the one the code expects."""
        problem = await self.repository.database_problem()
        if problem is not None:
            return HealthReport(
                service=self.service_name,
                status=CheckStatus.UNAVAILABLE,
                checks={"database": CheckStatus.UNAVAILABLE},
                detail=f"The database is unavailable: {problem}.",
            )
        if self.expected_revisions is None:
            return HealthReport(
                service=self.service_name,
                status=CheckStatus.OK,
                checks={"database": CheckStatus.OK},
            )
        schema_problem = await self._schema_problem(self.expected_revisions)
        status = CheckStatus.OK if schema_problem is None else CheckStatus.UNAVAILABLE
        return HealthReport(
            service=self.service_name,
            status=status,
            checks={"database": CheckStatus.OK, "migrations": status},
            detail=schema_problem,
        )

    async def _schema_problem(self, expected: frozenset[str]) -> str | None:
        applied = await self.repository.applied_revisions()
        if applied is None:
            return "The database did not tell its schema version."
        if applied == expected:
            return None
        if not applied:
            return f"The database has no tables yet: {MIGRATE_HINT}."
        return (
            f"The database schema is at revision {', '.join(sorted(applied))}; this version "
            f"of the service expects {', '.join(sorted(expected))}: {MIGRATE_HINT}."
        )

    async def peers(self) -> PeersReport:
        names = sorted(self.peer_client.peers)
        reports = await asyncio.gather(*(self._check_peer(name) for name in names))
        all_ok = all(report.status is CheckStatus.OK for report in reports)
        return PeersReport(
            service=self.service_name,
            status=CheckStatus.OK if all_ok else CheckStatus.UNAVAILABLE,
            peers=list(reports),
        )

    async def _check_peer(self, name: str) -> PeerReport:
        url = self.peer_client.url_of(name)
        try:
            response = await self.peer_client.get(name, "/health")
        except httpx.HTTPError as error:
            logger.warning("Peer %s (%s) is unreachable: %r", name, url, error)
            return PeerReport(
                name=name,
                url=url,
                status=CheckStatus.UNAVAILABLE,
                detail=f"unreachable: {type(error).__name__}",
            )
        return PeerReport(
            name=name,
            url=url,
            status=CheckStatus.OK if response.is_success else CheckStatus.UNAVAILABLE,
            status_code=response.status_code,
            request_id=response.headers.get(REQUEST_ID_HEADER),
        )
