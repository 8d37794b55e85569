"""Bodies of the /health endpoints, the same in every service so that tools can read them."""

from enum import StrEnum

from pydantic import BaseModel, Field


class CheckStatus(StrEnum):
    OK = "ok"
    UNAVAILABLE = "unavailable"


class HealthReport(BaseModel):
    """Liveness (`GET /health`) or readiness (`GET /health/ready`) of a service."""

    service: str
    status: CheckStatus
    checks: dict[str, CheckStatus] = Field(
        default_factory=dict, description="Status of each dependency, e.g. {'database': 'ok'}."
    )
    detail: str | None = None


class PeerReport(BaseModel):
    """What one peer answered to `GET /health`."""

    name: str
    url: str
    status: CheckStatus
    status_code: int | None = Field(default=None, description="HTTP status, if it answered.")
    request_id: str | None = Field(default=None, description="The request id the peer echoed.")
    detail: str | None = None


class PeersReport(BaseModel):
    """`GET /health/peers`: every peer of a service; `unavailable` if any of them is."""

    service: str
    status: CheckStatus
    peers: list[PeerReport]
