"""SQL for events."""

from __future__ import annotations

from webinar.db import Database, Row, Transaction

COLUMNS = (
    "slug", "title", "description", "speakers", "starts_at", "ends_at", "timezone", "join_url",
    "capacity", "sectors", "reminders", "report_delay_seconds", "organizer_emails",
    "doors_open_minutes", "recording_url", "min_minutes_attended", "status",
    "registration_open",
)


async def insert(tx: Transaction, values: dict, created_by: int | None, now: str) -> Row:
    cols = ", ".join(COLUMNS)
    marks = ", ".join("?" for _ in COLUMNS)
    return await tx.fetchone(
        f"INSERT INTO events ({cols}, created_by, created_at, updated_at)"  # noqa: S608
        f" VALUES ({marks}, ?, ?, ?) RETURNING *",
        [values[c] for c in COLUMNS] + [created_by, now, now],
    )


async def update(tx: Transaction, event_id: int, values: dict, now: str) -> Row:
    names = [c for c in values if c in COLUMNS or c == "sequence"]
    sets = ", ".join(f"{c} = ?" for c in names)
    return await tx.fetchone(
        f"UPDATE events SET {sets}, updated_at = ? WHERE id = ? RETURNING *",  # noqa: S608
        [values[c] for c in names] + [now, event_id],
    )


async def by_slug(db: Database | Transaction, slug: str) -> Row | None:
    return await db.fetchone("SELECT * FROM events WHERE slug = ?", (slug,))


async def by_id(db: Database | Transaction, event_id: int) -> Row | None:
    return await db.fetchone("SELECT * FROM events WHERE id = ?", (event_id,))


async def slug_taken(tx: Transaction, slug: str) -> bool:
    return await tx.fetchval("SELECT 1 FROM events WHERE slug = ?", (slug,)) is not None


async def listing(db: Database) -> list[Row]:
    return await db.fetchall(
        "SELECT e.*,"
        " (SELECT COUNT(*) FROM registrations r WHERE r.event_id = e.id"
        "   AND r.status = 'confirmed') AS confirmed,"
        " (SELECT COUNT(*) FROM registrations r WHERE r.event_id = e.id"
        "   AND r.status = 'waitlisted') AS waitlisted"
        " FROM events e ORDER BY e.starts_at DESC"
    )
