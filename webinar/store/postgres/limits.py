"""Shared rate-limit counters on PostgreSQL (table `rate_limits`, migration 0011): one
fixed-window counter per key, counted in one statement (INSERT ... ON CONFLICT DO UPDATE
... RETURNING), so every web process on the database, on any host, counts into the same
window without a lock or a read-then-write race. Keys arrive already hashed (HMAC with
the secret key, webinar.web.security); rows are deleted once their window has ended.

The SQL is portable (SQLite 3.35+ runs it too); the SQLite store does not use it, since
one SQLite file means one machine and usually one process (see webinar.web.security)."""

from __future__ import annotations

from webinar.store.statements import Statements


class LimitQueries:
    """Counters of the rate limits, bound to the pool (each statement commits alone)."""

    def __init__(self, conn: Statements):
        self._conn = conn

    async def hit(self, key: str, window_start: int, window_ends: int) -> int:
        """Count one in the window starting at `window_start`; the window's count now
        (a row left from an earlier window starts again at 1)."""
        return int(await self._conn.fetchval(
            "INSERT INTO rate_limits (key, window_start, window_ends, hits)"
            " VALUES (?, ?, ?, 1)"
            " ON CONFLICT (key) DO UPDATE SET"
            "  hits = CASE WHEN rate_limits.window_start = excluded.window_start"
            "   THEN rate_limits.hits + 1 ELSE 1 END,"
            "  window_start = excluded.window_start, window_ends = excluded.window_ends"
            " RETURNING hits",
            (key, window_start, window_ends)))

    async def count(self, key: str, window_start: int) -> int:
        """The hits of `key` in the window starting at `window_start` (0 when none)."""
        value = await self._conn.fetchval(
            "SELECT hits FROM rate_limits WHERE key = ? AND window_start = ?",
            (key, window_start))
        return int(value or 0)

    async def forget(self, key: str) -> None:
        await self._conn.execute("DELETE FROM rate_limits WHERE key = ?", (key,))

    async def purge(self, now: int) -> int:
        """Delete the rows whose window ended at or before `now`; how many."""
        return await self._conn.execute(
            "DELETE FROM rate_limits WHERE window_ends <= ?", (now,))
