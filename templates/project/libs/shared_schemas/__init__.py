"""Pydantic models that cross service boundaries."""

from shared_schemas.events import CLOUDEVENTS_JSON, CloudEvent
from shared_schemas.health import CheckStatus, HealthReport, PeerReport, PeersReport
from shared_schemas.pagination import Page
from shared_schemas.problem import FieldError, Problem, ProblemFields, problem_body

__all__ = [
    "CLOUDEVENTS_JSON",
    "CheckStatus",
    "CloudEvent",
    "FieldError",
    "HealthReport",
    "Page",
    "PeerReport",
    "PeersReport",
    "Problem",
    "ProblemFields",
    "problem_body",
]
