"""The SQLite store's committed one-row reads (an event by its slug on every sign-up and
page view, a registration by its token) run on the event loop's own thread, on a plain
connection of their own: no hand-off to aiosqlite's thread, whose wait for the loop to
come round made most of a read's time under load. Here: such a read hands off nothing;
it sees what another connection (another process) committed a moment before; many-row
reads still go to the thread; the connection cannot write; and a read that finds the
file busy (a real lock on a real file) waits on the thread instead of failing."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing

import pytest

from tests.conftest import NOW
from tests.factories import new_event, opened, record_handoffs, sign_up
from webinar.events import service as events
from webinar.store.sqlite.connection import Conn, open_loop_reader
from webinar.store.sqlite.database import SqliteStore


def count_reader_handoffs(store: SqliteStore) -> list[str]:
    """What the aiosqlite reader runs on its thread from now on (each statement's SQL)."""
    assert store._reader is not None
    return record_handoffs(store._reader)


async def test_an_event_and_a_registration_are_read_on_the_loop(sqlite_store):
    event = await new_event(sqlite_store, capacity=10)
    reg = await sign_up(sqlite_store, NOW, event, 1)
    handoffs = count_reader_handoffs(sqlite_store)
    assert (await events.get(sqlite_store, event.slug)).id == event.id
    assert (await sqlite_store.registrations.by_token(reg.token))["id"] == reg.id
    assert handoffs == []
    # a list may be long: still on the thread
    assert [r["id"] for r in await sqlite_store.registrations.page(
        event.id, 0, 10, None)] == [reg.id]
    assert len(handoffs) == 1 and handoffs[0].startswith("SELECT")


async def test_a_read_sees_what_another_process_just_committed(sqlite_store):
    web = sqlite_store
    other = SqliteStore(web.path)  # as the scheduler process has it
    async with opened(other):
        event = await new_event(other, capacity=10, title="Before")
        assert (await events.get(web, event.slug)).title == "Before"
        for n in range(5):  # each read right after the other's COMMIT, no loop turn between
            reg = await sign_up(other, NOW, event, n)
            row = await web.registrations.by_token(reg.token)
            assert row is not None and row["id"] == reg.id
            async with other.transaction() as tx:
                await tx.events.update(event.id, {"title": f"Title {n}"}, NOW.isoformat())
            assert (await events.get(web, event.slug)).title == f"Title {n}"


async def test_the_loop_reader_cannot_write(sqlite_store):
    with closing(open_loop_reader(sqlite_store.path)) as conn, pytest.raises(
            sqlite3.OperationalError, match="readonly"):
        conn.execute("DELETE FROM events")


async def test_a_read_that_finds_the_file_busy_waits_on_the_thread(sqlite_store, tmp_path):
    """A loop reader on a file another connection holds an exclusive lock on (a rollback
    journal file: there, unlike WAL, that lock keeps readers out) gets SQLITE_BUSY at
    once, since it never waits; the read goes to the connection's thread and returns the
    row from there."""
    event = await new_event(sqlite_store, capacity=10)
    locked = tmp_path / "locked.db"
    with closing(sqlite3.connect(locked, isolation_level=None)) as holder:
        holder.execute("CREATE TABLE events (id INTEGER, slug TEXT)")
        busy_reader = open_loop_reader(locked)
        try:
            holder.execute("BEGIN EXCLUSIVE")
            assert sqlite_store._reader is not None
            reads = Conn(sqlite_store._reader, loop_reader=busy_reader)
            handoffs = count_reader_handoffs(sqlite_store)
            row = await asyncio.wait_for(
                reads.fetchone("SELECT id, slug FROM events WHERE slug = ?", (event.slug,)),
                10)
            assert row == {"id": event.id, "slug": event.slug}  # the store's file, not locked
            assert handoffs == ["SELECT id, slug FROM events WHERE slug = ?"]
        finally:
            holder.execute("ROLLBACK")
            busy_reader.close()
