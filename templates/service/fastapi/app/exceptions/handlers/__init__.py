"""Turn exceptions into responses, all with the same problem+json body.

| raised                         | status        | handler        |
| ------------------------------ | ------------- | -------------- |
| AppError and subclasses        | its own       | app_errors     |
| invalid request (validation)   | 422           | validation     |
| HTTPException (e.g. no route)  | its own       | http_errors    |
| the database cannot be reached | 503           | database       |
| a table or column is missing   | 503           | database       |
| anything else                  | 500           | unhandled      |
"""

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from app.exceptions.base import AppError
from app.exceptions.database import DATABASE_ERRORS
from app.exceptions.handlers.app_errors import handle_app_error
from app.exceptions.handlers.database import handle_database_error
from app.exceptions.handlers.http_errors import handle_http_error
from app.exceptions.handlers.unhandled import handle_unhandled_error
from app.exceptions.handlers.validation import handle_validation_error


def register_exception_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, handle_app_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    app.add_exception_handler(HTTPException, handle_http_error)
    for error in DATABASE_ERRORS:
        app.add_exception_handler(error, handle_database_error)
    app.add_exception_handler(Exception, handle_unhandled_error)
