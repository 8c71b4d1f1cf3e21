"""The append-only event log (transactional outbox) and its consumers' cursors.

A service appends the domain event inside the transaction that makes the change, so the
change and its event are committed together or not at all. Consumers read entries after
their own cursor and move the cursor in the same transaction as their own writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from webinar.clock import to_db
from webinar.store.interface import Queries, Transaction

REGISTRATION_CREATED = "registration.created"
REGISTRATION_DUPLICATE = "registration.duplicate"
REGISTRATION_CANCELLED = "registration.cancelled"
REGISTRATION_PROMOTED = "registration.promoted"
REGISTRATION_UPDATED = "registration.updated"  # the registrant corrected their details
EVENT_CREATED = "event.created"
EVENT_UPDATED = "event.updated"
EVENT_RESCHEDULED = "event.rescheduled"
EVENT_CANCELLED = "event.cancelled"
ATTENDANCE_JOINED = "attendance.joined"
ATTENDANCE_LEFT = "attendance.left"
ATTENDANCE_IMPORTED = "attendance.imported"


@dataclass(frozen=True)
class LogEntry:
    id: int
    type: str
    event_id: int | None
    registration_id: int | None
    payload: dict[str, Any]
    created_at: str


async def append(tx: Transaction, type_: str, *, at: datetime, event_id: int | None = None,
                 registration_id: int | None = None, payload: dict | None = None) -> None:
    await tx.log.append(type_, event_id, registration_id, json.dumps(payload or {}), to_db(at))


async def read_after(conn: Queries, position: int, limit: int) -> list[LogEntry]:
    rows = await conn.log.read_after(position, limit)
    return [
        LogEntry(r["id"], r["type"], r["event_id"], r["registration_id"],
                 json.loads(r["payload"]), r["created_at"])
        for r in rows
    ]


async def cursor_position(conn: Queries, name: str) -> int:
    return await conn.log.cursor_position(name)


async def move_cursor(tx: Transaction, name: str, position: int, at: datetime) -> None:
    await tx.log.move_cursor(name, position, to_db(at))
