"""Events on PostgreSQL: the SQLite store's SQL, except the read that decides."""

from __future__ import annotations

from webinar.store.interface import Row
from webinar.store.sqlite import events


class EventQueries(events.EventQueries):
    async def for_update(self, event_id: int) -> Row | None:
        """The event with its row locked until the transaction ends: two web processes
        signing people up for one event queue here, so the count of confirmed seats that
        follows is never stale (READ COMMITTED sees the other's committed inserts once its
        lock is released)."""
        return await self._conn.fetchone(
            "SELECT * FROM events WHERE id = ? FOR UPDATE", (event_id,))
