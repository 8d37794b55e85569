"""Errors the service raises on purpose (not found, already exists, ...)."""

from typing import Any

from litestar import Request, Response

from app.exceptions.base import AppError
from app.exceptions.handlers.responses import problem_response


def handle_app_error(request: Request[Any, Any, Any], exc: AppError) -> Response[Any]:
    return problem_response(
        request,
        status_code=exc.status_code,
        title=exc.title,
        code=exc.code,
        detail=exc.detail,
        headers=exc.headers,
    )
