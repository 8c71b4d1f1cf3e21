"""SQL for events."""

from __future__ import annotations

from webinar.store.interface import Row
from webinar.store.statements import Statements

COLUMNS = (
    "slug", "title", "description", "speakers", "starts_at", "ends_at", "timezone", "join_url",
    "capacity", "sectors", "reminders", "report_delay_seconds", "organizer_emails",
    "doors_open_minutes", "recording_url", "min_minutes_attended", "status",
    "registration_open", "zoom_meeting_id", "embed_url", "attendance_from_export",
    "certificate_minutes", "open_data", "host_name", "host_website", "host_contact_email",
    "host_privacy_url",
)


class EventQueries:
    """Events SQL, bound to one connection (the reader or a transaction)."""

    def __init__(self, conn: Statements):
        self._conn = conn

    async def insert(self, values: dict, created_by: int | None, now: str) -> Row:
        cols = ", ".join(COLUMNS)
        marks = ", ".join("?" for _ in COLUMNS)
        return await self._conn.returning(
            f"INSERT INTO events ({cols}, created_by, created_at, updated_at)"  # noqa: S608
            f" VALUES ({marks}, ?, ?, ?) RETURNING *",
            [values[c] for c in COLUMNS] + [created_by, now, now],
        )


    async def update(self, event_id: int, values: dict, now: str) -> Row:
        names = [c for c in values if c in COLUMNS or c == "sequence"]
        sets = ", ".join(f"{c} = ?" for c in names)
        return await self._conn.returning(
            f"UPDATE events SET {sets}, updated_at = ? WHERE id = ? RETURNING *",  # noqa: S608
            [values[c] for c in names] + [now, event_id],
        )


    async def by_slug(self, slug: str) -> Row | None:
        return await self._conn.fetchone("SELECT * FROM events WHERE slug = ?", (slug,))


    async def by_id(self, event_id: int) -> Row | None:
        return await self._conn.fetchone("SELECT * FROM events WHERE id = ?", (event_id,))


    async def for_update(self, event_id: int) -> Row | None:
        """The event, for a transaction that decides on it. A plain SELECT here: the
        transaction began with BEGIN IMMEDIATE, which already holds SQLite's one write lock
        until it ends, so nobody changes the row meanwhile. A PostgreSQL store writes
        SELECT ... FOR UPDATE here to lock the row the same way."""
        return await self._conn.fetchone("SELECT * FROM events WHERE id = ?", (event_id,))


    async def slug_taken(self, slug: str) -> bool:
        return await self._conn.fetchval("SELECT 1 FROM events WHERE slug = ?", (slug,)) is not None


    async def listing(self) -> list[Row]:
        return await self._conn.fetchall(
            "SELECT e.*,"
            " (SELECT COUNT(*) FROM registrations r WHERE r.event_id = e.id"
            "   AND r.status = 'confirmed') AS confirmed,"
            " (SELECT COUNT(*) FROM registrations r WHERE r.event_id = e.id"
            "   AND r.status = 'waitlisted') AS waitlisted"
            " FROM events e ORDER BY e.starts_at DESC"
        )


    async def for_zoom_meeting(self, number: str, *, ends_after: str,
                               starts_before: str) -> list[Row]:
        """Events that may be held in Zoom meeting `number` (digits only) around a moment:
        its meeting-id field, or the number somewhere in the join URL (the caller checks
        it is a path segment), ending after `ends_after` and starting before
        `starts_before`."""
        return await self._conn.fetchall(
            "SELECT * FROM events WHERE (zoom_meeting_id = ? OR join_url LIKE ?)"
            " AND ends_at > ? AND starts_at < ? ORDER BY starts_at, id",
            (number, f"%{number}%", ends_after, starts_before),
        )
