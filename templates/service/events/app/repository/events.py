"""The outbox and the inbox: the port through which the services emit and receive events.

The service layer records an event with `OutboxRepository.record` in the transaction of its
change; the relay (app.messaging.relay) publishes it after the commit. Nothing here knows
the broker.
"""

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared_schemas import CloudEvent
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.base import utc_now
from app.models.events import InboxMessage, OutboxMessage


@dataclass(frozen=True)
class PendingEvent:
    """An outbox row not yet published."""

    row_id: int
    event_id: str
    type: str
    data: dict[str, Any]
    time: datetime


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, event_type: str, data: dict[str, Any]) -> str:
        """Add an event to publish once the transaction commits; returns its id."""
        event_id = str(uuid.uuid4())
        self.session.add(OutboxMessage(event_id=event_id, type=event_type, data=json.dumps(data)))
        await self.session.flush()
        return event_id

    async def pending(self, limit: int) -> list[PendingEvent]:
        """The oldest events not yet published, in the order they were recorded."""
        query = (
            select(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None))
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
        rows: Sequence[OutboxMessage] = (await self.session.scalars(query)).all()
        return [
            PendingEvent(
                row_id=row.id,
                event_id=row.event_id,
                type=row.type,
                data=json.loads(row.data),
                time=row.created_at,
            )
            for row in rows
        ]

    async def mark_sent(self, row_ids: Iterable[int]) -> None:
        ids = list(row_ids)
        if ids:
            statement = (
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids))
                .values(sent_at=utc_now())
                .execution_options(synchronize_session=False)
            )
            await self.session.execute(statement)


class InboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def has(self, event_id: str) -> bool:
        return await self.session.get(InboxMessage, event_id) is not None

    async def record(self, event: CloudEvent) -> None:
        """Record `event` as handled. Two deliveries handled at once both get here; the
        primary key refuses the second, whose transaction rolls back (and is redelivered,
        then found by `has`)."""
        self.session.add(
            InboxMessage(
                event_id=event.id,
                type=event.type,
                source=event.source,
                data=json.dumps(event.data),
            )
        )
        await self.session.flush()
