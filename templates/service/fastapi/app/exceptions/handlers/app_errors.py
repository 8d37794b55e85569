"""Errors the service raises on purpose (not found, already exists, ...)."""

from fastapi import Request
from fastapi.responses import Response

from app.exceptions.base import AppError
from app.exceptions.handlers.responses import problem_response


async def handle_app_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)  # registered for AppError only
    return app_error_response(exc)


def app_error_response(exc: AppError) -> Response:
    return problem_response(
        status_code=exc.status_code,
        title=exc.title,
        code=exc.code,
        detail=exc.detail,
        headers=exc.headers,
    )
