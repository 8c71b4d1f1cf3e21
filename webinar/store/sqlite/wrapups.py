"""SQL for the wrapups table: each event's wrap-up and its two steps (see webinar/wrapup/)."""

from __future__ import annotations

from webinar.store.interface import Row
from webinar.store.statements import Statements


class WrapupQueries:
    """Wrap-up SQL, bound to one connection (the reader or a transaction)."""

    def __init__(self, conn: Statements):
        self._conn = conn

    async def by_event(self, event_id: int) -> Row | None:
        return await self._conn.fetchone("SELECT * FROM wrapups WHERE event_id = ?",
                                         (event_id,))

    async def plan(self, *, event_id: int, due_at: str, followups_due_at: str,
                   skipped: str | None, now: str) -> None:
        """Plan the wrap-up, or re-plan it: a step that already ran keeps its time."""
        await self._conn.execute(
            "INSERT INTO wrapups (event_id, due_at, followups_due_at, skipped, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (event_id) DO UPDATE SET"
            " due_at = CASE WHEN wrapups.ran_at IS NULL THEN excluded.due_at"
            "   ELSE wrapups.due_at END,"
            " followups_due_at = CASE WHEN wrapups.followups_released_at IS NULL"
            "   THEN excluded.followups_due_at ELSE wrapups.followups_due_at END,"
            " skipped = excluded.skipped, updated_at = excluded.updated_at",
            (event_id, due_at, followups_due_at, skipped, now, now),
        )

    async def due(self, now: str, limit: int) -> list[Row]:
        """Armed wrap-ups with a step whose time has come."""
        return await self._conn.fetchall(
            "SELECT * FROM wrapups WHERE skipped IS NULL"
            " AND ((ran_at IS NULL AND due_at <= ?)"
            "   OR (followups_released_at IS NULL AND followups_due_at <= ?))"
            " ORDER BY due_at, event_id LIMIT ?",
            (now, now, limit),
        )

    async def take_report(self, event_id: int, now: str) -> bool:
        """Mark the report step done, if it is armed, due and not done yet: the caller
        plans its mail in the same transaction. False when another pass took it."""
        count = await self._conn.execute(
            "UPDATE wrapups SET ran_at = ?, updated_at = ? WHERE event_id = ?"
            " AND ran_at IS NULL AND skipped IS NULL AND due_at <= ?",
            (now, now, event_id, now),
        )
        return count == 1

    async def take_followups(self, event_id: int, now: str, by: str,
                             due_by: str | None) -> bool:
        """Mark the follow-ups released (due by `due_by`, or at once when None), if they
        are armed and not released yet: the caller plans them in the same transaction."""
        sql = ("UPDATE wrapups SET followups_released_at = ?, followups_released_by = ?,"
               " updated_at = ? WHERE event_id = ? AND followups_released_at IS NULL"
               " AND skipped IS NULL")
        params: list = [now, by, now, event_id]
        if due_by is not None:
            sql += " AND followups_due_at <= ?"
            params.append(due_by)
        return await self._conn.execute(sql, params) == 1

    async def skip(self, event_id: int, reason: str, now: str) -> None:
        await self._conn.execute(
            "UPDATE wrapups SET skipped = ?, updated_at = ? WHERE event_id = ?",
            (reason, now, event_id),
        )

    async def next_report_send(self, event_id: int, now: str) -> int | None:
        """Count one more "send the report again"; its number, None without a wrap-up."""
        row = await self._conn.fetchone(
            "UPDATE wrapups SET report_sends = report_sends + 1, updated_at = ?"
            " WHERE event_id = ? RETURNING report_sends",
            (now, event_id),
        )
        return None if row is None else int(row["report_sends"])
