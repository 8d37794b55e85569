"""The outbox (events to publish) and the inbox (events handled), beside the service's data.

Both live in the service's own database so that an event is recorded in the same
transaction as the change it is about: committed together, or not at all.
"""

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UtcDateTime, utc_now

# Longest id, type or source of an event; CloudEvents sets no limit, a table must.
EVENT_NAME_LENGTH = 200


class OutboxMessage(Base):
    """An event the service emitted; the relay publishes it and sets `sent_at`."""

    __tablename__ = "outbox"

    # The order of publication: rows are published by ascending id.
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(EVENT_NAME_LENGTH), unique=True)
    type: Mapped[str] = mapped_column(String(EVENT_NAME_LENGTH))
    # The event's data as JSON text: the same on every database.
    data: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    # None while pending; the relay reads pending rows through this index.
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)


class InboxMessage(Base):
    """An event of another service that this one has handled, once."""

    __tablename__ = "inbox"

    # The event's id: a redelivered event finds its row and is not handled again.
    event_id: Mapped[str] = mapped_column(String(EVENT_NAME_LENGTH), primary_key=True)
    type: Mapped[str] = mapped_column(String(EVENT_NAME_LENGTH))
    source: Mapped[str] = mapped_column(String(EVENT_NAME_LENGTH))
    data: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
