"""Pydantic models that cross service boundaries."""

from shared_schemas.health import CheckStatus, HealthReport, PeerReport, PeersReport
from shared_schemas.pagination import Page
from shared_schemas.problem import FieldError, Problem

__all__ = [
    "CheckStatus",
    "FieldError",
    "HealthReport",
    "Page",
    "PeerReport",
    "PeersReport",
    "Problem",
]
