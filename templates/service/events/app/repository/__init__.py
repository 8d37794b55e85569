"""Data access: the only layer that builds SQL queries.

Repositories work inside the session they are given and never commit: the transaction
belongs to the caller (one per request), so several repository calls succeed or fail
together. That is what makes the outbox and the inbox reliable: an event is recorded in the
transaction of the change it is about.
"""

from app.repository.errors import ConstraintViolationError
from app.repository.events import InboxRepository, OutboxRepository, PendingEvent

__all__ = ["ConstraintViolationError", "InboxRepository", "OutboxRepository", "PendingEvent"]
