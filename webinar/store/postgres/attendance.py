"""Attendance SQL on PostgreSQL: the SQLite module's queries, with PostgreSQL's way of
turning a stored time (UTC ISO text) into microseconds since the epoch."""

from __future__ import annotations

from webinar.store.sqlite.attendance import AttendanceQueries as SqliteAttendanceQueries


class AttendanceQueries(SqliteAttendanceQueries):
    """The SQLite queries; `EPOCH_US` by EXTRACT(EPOCH ...) instead of strftime('%s')."""

    EPOCH_US = ("CASE WHEN length({t}) = 27 THEN"
                " CAST(EXTRACT(EPOCH FROM CAST(substr({t}, 1, 19) AS timestamp)) AS BIGINT)"
                " * 1000000 + CAST(substr({t}, 21, 6) AS BIGINT) END")
