"""The HTTP status of a health report: 200 when every check passed, else 503 (which load
balancers and orchestrators read; the body says which check failed)."""

from http import HTTPStatus

from shared_schemas import CheckStatus, HealthReport, PeersReport


def status_of(report: HealthReport | PeersReport) -> int:
    ok = report.status is CheckStatus.OK
    return HTTPStatus.OK if ok else HTTPStatus.SERVICE_UNAVAILABLE
