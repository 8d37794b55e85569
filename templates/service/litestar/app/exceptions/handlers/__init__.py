"""Turn exceptions into responses, all with the same problem+json body.

| raised                              | status        | handler        |
| ----------------------------------- | ------------- | -------------- |
| AppError and subclasses             | its own       | app_errors     |
| ValidationException (invalid input) | 422           | validation     |
| HTTPException (e.g. no route)       | its own       | http_errors    |
| the database cannot be reached      | 503           | database       |
| a table or column is missing        | 503           | database       |
| anything else                       | 500           | unhandled      |

Litestar picks a handler by status code first, then by exception class; the handler
registered for 500 also receives every exception that is not an HTTPException.
"""

from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import ExceptionHandlersMap

from app.exceptions.base import AppError
from app.exceptions.database import DATABASE_ERRORS
from app.exceptions.handlers.app_errors import handle_app_error
from app.exceptions.handlers.database import handle_database_error
from app.exceptions.handlers.http_errors import handle_http_error
from app.exceptions.handlers.unhandled import handle_unhandled_error
from app.exceptions.handlers.validation import handle_validation_error

EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    AppError: handle_app_error,
    ValidationException: handle_validation_error,
    HTTPException: handle_http_error,
    **{error: handle_database_error for error in DATABASE_ERRORS},
    HTTP_500_INTERNAL_SERVER_ERROR: handle_unhandled_error,
}
