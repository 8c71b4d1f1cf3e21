"""SQL for the event log (the outbox) and its consumers' cursors."""

from __future__ import annotations

from collections.abc import Sequence

from webinar.store.interface import Row
from webinar.store.statements import Statements


class LogQueries:
    """Event log SQL, bound to one connection (the reader or a transaction)."""

    def __init__(self, conn: Statements):
        self._conn = conn

    async def append(self, type_: str, event_id: int | None, registration_id: int | None,
                     payload: str, created_at: str) -> None:
        await self._conn.execute(
            "INSERT INTO event_log (type, event_id, registration_id, payload, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (type_, event_id, registration_id, payload, created_at),
        )

    async def append_many(self, entries: Sequence[tuple[str, int | None, int | None, str, str]],
                          ) -> None:
        await self._conn.executemany(
            "INSERT INTO event_log (type, event_id, registration_id, payload, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            entries,
        )

    async def read_after(self, position: int, limit: int) -> list[Row]:
        return await self._conn.fetchall(
            "SELECT id, type, event_id, registration_id, payload, created_at FROM event_log"
            " WHERE id > ? ORDER BY id LIMIT ?",
            (position, limit),
        )

    async def cursor_position(self, name: str) -> int:
        value = await self._conn.fetchval(
            "SELECT position FROM consumer_cursors WHERE name = ?", (name,))
        return int(value or 0)

    async def move_cursor(self, name: str, position: int, at: str) -> None:
        await self._conn.execute(
            "INSERT INTO consumer_cursors (name, position, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET position = excluded.position,"
            " updated_at = excluded.updated_at",
            (name, position, at),
        )
