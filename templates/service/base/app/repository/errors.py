"""Errors of the data layer, in terms the services understand without knowing SQLAlchemy."""


class ConstraintViolationError(Exception):
    """A write broke a constraint of the table: typically a unique value that another
    request stored first, between the service's check and this write."""
