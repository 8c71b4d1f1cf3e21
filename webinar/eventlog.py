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
from webinar.db import Database, Transaction

REGISTRATION_CREATED = "registration.created"
REGISTRATION_DUPLICATE = "registration.duplicate"
REGISTRATION_CANCELLED = "registration.cancelled"
REGISTRATION_PROMOTED = "registration.promoted"
EVENT_CREATED = "event.created"
EVENT_UPDATED = "event.updated"
EVENT_RESCHEDULED = "event.rescheduled"
EVENT_CANCELLED = "event.cancelled"


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
    await tx.execute(
        "INSERT INTO event_log (type, event_id, registration_id, payload, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (type_, event_id, registration_id, json.dumps(payload or {}), to_db(at)),
    )


async def read_after(db: Database | Transaction, position: int, limit: int) -> list[LogEntry]:
    rows = await db.fetchall(
        "SELECT id, type, event_id, registration_id, payload, created_at FROM event_log"
        " WHERE id > ? ORDER BY id LIMIT ?",
        (position, limit),
    )
    return [
        LogEntry(r["id"], r["type"], r["event_id"], r["registration_id"],
                 json.loads(r["payload"]), r["created_at"])
        for r in rows
    ]


async def cursor_position(db: Database | Transaction, name: str) -> int:
    value = await db.fetchval("SELECT position FROM consumer_cursors WHERE name = ?", (name,))
    return int(value or 0)


async def move_cursor(tx: Transaction, name: str, position: int, at: datetime) -> None:
    await tx.execute(
        "INSERT INTO consumer_cursors (name, position, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET position = excluded.position,"
        " updated_at = excluded.updated_at",
        (name, position, to_db(at)),
    )
