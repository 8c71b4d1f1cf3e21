"""Attendance on PostgreSQL: the SQLite store's SQL, except the one read that turns
stored times into microseconds in the database (SQLite's unixepoch() is not PostgreSQL's)."""

from __future__ import annotations

from webinar.store.sqlite import attendance


class AttendanceQueries(attendance.AttendanceQueries):
    # EXTRACT(EPOCH ...) is an exact numeric from PostgreSQL 14 on; on older servers a
    # double whose error stays far under half a microsecond, so the rounding cast is exact.
    MICROS = "(EXTRACT(EPOCH FROM ({0})::timestamptz) * 1000000)::bigint"
