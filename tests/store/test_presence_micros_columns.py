"""The integer times of presence intervals (migration 0014: started_us, ended_us) follow
the text times on every write the store makes (a new interval, open or closed; a close,
also one clamped to the start; a heartbeat's extension), and the migration converts the
rows that were there before it exactly, on both stores."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime, timedelta

import asyncpg
import pytest

from tests.conftest import NOW
from tests.factories import new_event
from webinar.clock import micros_of, to_db
from webinar.store.interface import Store
from webinar.store.postgres.database import dsn_for_asyncpg
from webinar.store.sqlite.database import SqliteStore

# Back to the schema before 0014, as a database of an earlier version has it.
UNDO_0014 = [
    "DROP INDEX presence_intervals_by_event",
    "ALTER TABLE presence_intervals DROP COLUMN started_us",
    "ALTER TABLE presence_intervals DROP COLUMN ended_us",
    "CREATE INDEX presence_intervals_by_event ON presence_intervals (event_id,"
    " registration_id, started_at, ended_at)",
    "DELETE FROM schema_migrations WHERE version = 14",
]
READ = ("SELECT key, started_at, ended_at, started_us, ended_us FROM presence_intervals"
        " ORDER BY key")


def test_micros_of_reads_the_stored_form_exactly():
    moment = datetime.fromisoformat("1969-12-31T23:59:59.999999+00:00")
    assert micros_of(to_db(moment)) == -1
    assert micros_of("1970-01-01T00:00:01.000001Z") == 1_000_001
    assert micros_of("2026-12-03T15:00:00.999999Z") == 1_796_310_000_999_999


async def _write_every_way(store: Store) -> None:
    """Intervals through each write of the store, times with awkward fractions."""
    event = await new_event(store)
    start = NOW + timedelta(microseconds=999_999)
    async with store.transaction() as tx:
        person = await tx.registrations.insert(event.id, "t1", "j1", {
            "email": "p1@example.org", "name": "P", "organization": "", "position": "",
            "sector": "public", "country": "GT", "language": "es"}, "confirmed", to_db(NOW))
        for key, begin, end in (("a-closed", start, start + timedelta(seconds=61)),
                                ("b-open", start, None),
                                ("c-clamped", start + timedelta(minutes=5), None),
                                ("d-instant", start, start)):
            await tx.attendance.insert_interval(
                key=key, event_id=event.id, registration_id=person["id"], email=None,
                name="", source="heartbeat" if key == "d-instant" else "zoom",
                started_at=to_db(begin), ended_at=None if end is None else to_db(end),
                now=to_db(NOW))
        await tx.attendance.close_interval("b-open",
                                           to_db(start + timedelta(microseconds=123_457)))
        await tx.attendance.close_interval("c-clamped", to_db(start))  # before its start
        assert await tx.attendance.extend_heartbeat(
            person["id"], to_db(start - timedelta(minutes=1)),
            to_db(start + timedelta(minutes=2, microseconds=1)))


def _check(rows: list[dict]) -> None:
    assert [r["key"] for r in rows] == ["a-closed", "b-open", "c-clamped", "d-instant"]
    for row in rows:
        assert row["started_us"] == micros_of(row["started_at"]), row
        assert row["ended_us"] == micros_of(row["ended_at"]), row
    clamped = rows[2]
    assert clamped["ended_at"] == clamped["started_at"]
    instant = rows[3]
    assert instant["ended_us"] - instant["started_us"] == 120_000_001


@pytest.mark.once
async def test_sqlite_writes_and_migration_keep_the_integer_times(tmp_path):
    path = tmp_path / "webinar.db"
    store = SqliteStore(path)
    await store.connect()
    try:
        await store.migrate()
        await _write_every_way(store)

        def rows() -> list[dict]:
            with closing(sqlite3.connect(path)) as conn:
                conn.row_factory = sqlite3.Row
                return [dict(r) for r in conn.execute(READ)]
        _check(rows())
        with closing(sqlite3.connect(path)) as conn, conn:
            for statement in UNDO_0014:
                conn.execute(statement)
            assert "started_us" not in [c[1] for c in conn.execute(
                "PRAGMA table_info(presence_intervals)")]
        assert await store.migrate() == ["0014_presence_micros.sql"]
        _check(rows())
    finally:
        await store.close()


@pytest.mark.once
async def test_postgres_writes_and_migration_keep_the_integer_times(two_postgres_stores):
    store, _other = two_postgres_stores
    await store.migrate()
    await _write_every_way(store)
    conn = await asyncpg.connect(dsn_for_asyncpg(store.url))
    try:
        _check([dict(r) for r in await conn.fetch(READ)])
        for statement in UNDO_0014:
            await conn.execute(statement)
        assert await conn.fetchval(
            "SELECT count(*) FROM information_schema.columns WHERE"
            " table_name = 'presence_intervals' AND column_name = 'started_us'") == 0
        assert await store.migrate() == ["0014_presence_micros.sql"]
        _check([dict(r) for r in await conn.fetch(READ)])
    finally:
        await conn.close()
