"""SQL for attendance: join-link visits and presence intervals."""

from __future__ import annotations

from collections.abc import Sequence

from webinar.clock import micros_of
from webinar.store.interface import JoinVisit, Row
from webinar.store.statements import Statements


class AttendanceQueries:
    """Attendance SQL, bound to one connection (the reader or a transaction)."""

    def __init__(self, conn: Statements):
        self._conn = conn

    async def insert_visit(self, event_id: int, registration_id: int, at: str) -> None:
        await self._conn.execute(
            "INSERT INTO join_visits (event_id, registration_id, at) VALUES (?, ?, ?)",
            (event_id, registration_id, at),
        )

    async def insert_visits(self, visits: Sequence[JoinVisit]) -> None:
        await self._conn.executemany(
            "INSERT INTO join_visits (event_id, registration_id, at) VALUES (?, ?, ?)",
            [(v.event_id, v.registration_id, v.at) for v in visits],
        )

    async def insert_interval(self, *, key: str, event_id: int, registration_id: int | None,
                              email: str | None, name: str, source: str, started_at: str,
                              ended_at: str | None, now: str) -> int | None:
        """The new interval's id, or None when one with this key exists (nothing added).
        The times are kept also as microseconds (migration 0014)."""
        row = await self._conn.fetchone(
            "INSERT INTO presence_intervals (event_id, registration_id, email, name, source,"
            " started_at, ended_at, started_us, ended_us, key, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (key) DO NOTHING RETURNING id",
            (event_id, registration_id, email, name, source, started_at, ended_at,
             micros_of(started_at), None if ended_at is None else micros_of(ended_at), key,
             now),
        )
        return None if row is None else int(row["id"])

    async def close_interval(self, key: str, ended_at: str) -> Row | None:
        """Close the open interval with this key (never before its start); the closed row,
        or None when there is no such open interval (already closed, or never opened)."""
        return await self._conn.fetchone(
            "UPDATE presence_intervals SET ended_at = CASE WHEN ? < started_at"
            " THEN started_at ELSE ? END, ended_us = CASE WHEN ? < started_at"
            " THEN started_us ELSE ? END WHERE key = ? AND ended_at IS NULL"
            " RETURNING id, event_id, registration_id, source, started_at, ended_at",
            (ended_at, ended_at, ended_at, micros_of(ended_at), key),
        )

    async def open_interval_key(self, event_id: int, prefix: str) -> str | None:
        """The key of the latest open interval of the event whose key starts with
        `prefix` (one participant in one meeting, for a webhook's `left`)."""
        return await self._conn.fetchval(
            "SELECT key FROM presence_intervals WHERE event_id = ? AND ended_at IS NULL"
            " AND substr(key, 1, ?) = ? ORDER BY started_at DESC, id DESC LIMIT 1",
            (event_id, len(prefix), prefix),
        )

    async def extend_heartbeat(self, registration_id: int, since: str, until: str) -> bool:
        """Move the end of the registration's latest heartbeat interval that ended at or
        after `since` on to `until` (never back); whether there was one."""
        row = await self._conn.fetchone(
            "UPDATE presence_intervals SET ended_at = CASE WHEN ended_at < ? THEN ?"
            " ELSE ended_at END, ended_us = CASE WHEN ended_at < ? THEN ? ELSE ended_us END"
            " WHERE id = (SELECT id FROM presence_intervals"
            " WHERE registration_id = ? AND source = 'heartbeat' AND ended_at >= ?"
            " ORDER BY ended_at DESC, id DESC LIMIT 1) RETURNING id",
            (until, until, until, micros_of(until), registration_id, since),
        )
        return row is not None

    async def registrations_by_email(self, event_id: int) -> list[Row]:
        """The event's registrations as (id, email, status): what an import matches to."""
        return await self._conn.fetchall(
            "SELECT id, email, status FROM registrations WHERE event_id = ?", (event_id,))

    async def intervals_between(self, event_id: int, first_id: int,
                                last_id: int) -> list[Row]:
        """The intervals of the event's registrations with ids first_id..last_id (a page of
        the registrations list), in one indexed range read."""
        return await self._conn.fetchall(
            "SELECT registration_id, started_at, ended_at FROM presence_intervals"
            " WHERE event_id = ? AND registration_id BETWEEN ? AND ?",
            (event_id, first_id, last_id),
        )

    async def visits_between(self, event_id: int, first_id: int, last_id: int) -> list[Row]:
        """The join visits of the event's registrations with ids first_id..last_id."""
        return await self._conn.fetchall(
            "SELECT registration_id, at FROM join_visits"
            " WHERE event_id = ? AND registration_id BETWEEN ? AND ?",
            (event_id, first_id, last_id),
        )

    async def intervals_of(self, event_id: int, registration_ids: list[int]) -> list[Row]:
        """The intervals of these registrations of the event (a page in any order)."""
        rows: list[Row] = []
        for start in range(0, len(registration_ids), 500):
            chunk = registration_ids[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            rows += await self._conn.fetchall(
                "SELECT registration_id, started_at, ended_at FROM presence_intervals"  # noqa: S608
                f" WHERE registration_id IN ({marks}) AND event_id = ?",
                [*chunk, event_id])
        return rows

    async def visits_of(self, event_id: int, registration_ids: list[int]) -> list[Row]:
        """The join visits of these registrations of the event."""
        rows: list[Row] = []
        for start in range(0, len(registration_ids), 500):
            chunk = registration_ids[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            rows += await self._conn.fetchall(
                "SELECT registration_id, at FROM join_visits"  # noqa: S608
                f" WHERE registration_id IN ({marks}) AND event_id = ?",
                [*chunk, event_id])
        return rows

    async def event_intervals(self, event_id: int) -> list[Row]:
        """Every interval of the event, walk-ins included."""
        return await self._conn.fetchall(
            "SELECT id, registration_id, email, name, source, started_at, ended_at"
            " FROM presence_intervals WHERE event_id = ? ORDER BY started_at, id",
            (event_id,),
        )

    async def event_visit_times(self, event_id: int) -> list[tuple]:
        """Every join visit of the event as (registration_id, at), in no particular order."""
        return await self._conn.fetchall_tuples(
            "SELECT registration_id, at FROM join_visits WHERE event_id = ?", (event_id,))

    async def registered_presence(self, event_id: int) -> list[tuple]:
        """The intervals of the event's registrations as plain tuples (registration_id,
        start, end or None while open), times in microseconds since the epoch
        (the columns of migration 0014), ordered by registration and start: a range scan
        of the covering index presence_intervals_by_event, so the attendance of a whole
        event is one linear pass (attendance.intervals.assess_ordered), no grouping."""
        return await self._conn.fetchall_tuples(
            "SELECT registration_id, started_us, ended_us FROM presence_intervals"
            " WHERE event_id = ? AND registration_id IS NOT NULL"
            " ORDER BY registration_id, started_us", (event_id,))

    async def walk_in_presence(self, event_id: int) -> list[tuple]:
        """The walk-ins' intervals as plain tuples (email, name, start, end or None while
        open), times in microseconds since the epoch, in no particular order."""
        return await self._conn.fetchall_tuples(
            "SELECT email, name, started_us, ended_us FROM presence_intervals"
            " WHERE event_id = ? AND registration_id IS NULL", (event_id,))

    async def visit_flags(self, event_id: int, since: str, until: str) -> list[tuple]:
        """Each registration of the event with a join visit, once, as (registration_id,
        1 when one of its visits is in since..until (until excluded) else 0)."""
        return await self._conn.fetchall_tuples(
            "SELECT registration_id, MAX(CASE WHEN at >= ? AND at < ? THEN 1 ELSE 0 END)"
            " FROM join_visits WHERE event_id = ? GROUP BY registration_id",
            (since, until, event_id))

    async def event_visits(self, event_id: int) -> list[Row]:
        return await self._conn.fetchall(
            "SELECT registration_id, at FROM join_visits WHERE event_id = ?"
            " ORDER BY at, id",
            (event_id,),
        )

    # --- the live view (webinar.attendance.live) ------------------------------------------

    async def open_presence(self, event_id: int, since: str, until: str,
                            beat_since: str) -> list[Row]:
        """The intervals of the event that started in since..until and are still going:
        open ones (ended_at NULL), and heartbeat intervals (stored closed at their last
        beat) whose last beat came at or after `beat_since`; with the registration's
        sector (NULL for a walk-in)."""
        return await self._conn.fetchall(
            "SELECT p.id, p.registration_id, p.email, p.name AS seen_as, r.sector"
            " FROM presence_intervals p LEFT JOIN registrations r ON r.id = p.registration_id"
            " WHERE p.event_id = ? AND p.started_at >= ? AND p.started_at <= ?"
            " AND (p.ended_at IS NULL OR (p.source = 'heartbeat' AND p.ended_at >= ?))",
            (event_id, since, until, beat_since),
        )

    async def recent_clickers(self, event_id: int, since: str, until: str) -> list[Row]:
        """The registrations that clicked their join link in since..until and have not
        been seen leaving since that click (no interval of theirs ended at or after it),
        one row each with its sector."""
        return await self._conn.fetchall(
            "SELECT v.registration_id, r.sector, MAX(v.at) AS at"
            " FROM join_visits v JOIN registrations r ON r.id = v.registration_id"
            " WHERE v.event_id = ? AND v.at >= ? AND v.at <= ? AND NOT EXISTS ("
            "SELECT 1 FROM presence_intervals p WHERE p.registration_id = v.registration_id"
            " AND p.event_id = v.event_id AND p.ended_at IS NOT NULL AND p.ended_at >= v.at)"
            " GROUP BY v.registration_id, r.sector",
            (event_id, since, until),
        )

    async def latest_visits(self, event_id: int, until: str, limit: int) -> list[Row]:
        """The event's last join clicks up to `until`, newest first, with who clicked."""
        return await self._conn.fetchall(
            "SELECT v.id, v.at, r.name, r.sector FROM join_visits v"
            " JOIN registrations r ON r.id = v.registration_id"
            " WHERE v.event_id = ? AND v.at <= ? ORDER BY v.at DESC, v.id DESC LIMIT ?",
            (event_id, until, limit),
        )

    async def latest_intervals(self, event_id: int, until: str, limit: int) -> list[Row]:
        """The event's last presence intervals to start up to `until`, newest first, with
        the registration's name and sector (the platform's name for a walk-in)."""
        return await self._conn.fetchall(
            "SELECT p.id, p.started_at AS at, p.source, COALESCE(r.name, p.name) AS name,"
            " r.sector FROM presence_intervals p"
            " LEFT JOIN registrations r ON r.id = p.registration_id"
            " WHERE p.event_id = ? AND p.started_at <= ?"
            " ORDER BY p.started_at DESC, p.id DESC LIMIT ?",
            (event_id, until, limit),
        )
