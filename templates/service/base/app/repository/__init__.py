"""Data access: the only layer that builds SQL queries.

Repositories work inside the session they are given and never commit: the transaction
belongs to the caller (one per request), so several repository calls succeed or fail
together.
"""

from app.repository.errors import ConstraintViolationError

__all__ = ["ConstraintViolationError"]
