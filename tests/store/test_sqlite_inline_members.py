"""The SQLite store runs the one-row statements of a write transaction's member on the
event loop's thread: a sign-up hands off to aiosqlite's thread only for its group's
BEGIN IMMEDIATE and COMMIT (each hand-off is a wait for a thread and then for a loop turn,
while the whole queue of writers waits behind the member). Everything else the group
commit promises is checked in test_group_commit.py and the registration rush tests; here,
that a member that fails half-way still leaves nothing behind, that what a member wrote
is committed for another connection when the sign-up returns, and that a statement that
may change many rows still runs on the thread (skipping a whole event's pending mail must
not stop the loop, every other request of the web process, while it runs)."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from tests.conftest import NOW
from tests.factories import new_event, open_store, record_handoffs, sign_up
from webinar.clock import to_db
from webinar.store.sqlite.database import SqliteStore


@pytest.fixture
async def store(tmp_path):
    async with open_store(tmp_path / "inline.db") as store:
        yield store


def count_writer_handoffs(store: SqliteStore) -> list[str]:
    """What the writer connection runs on its thread from now on."""
    assert store._writer is not None
    return record_handoffs(store._writer)


async def test_a_sign_up_hands_off_only_begin_and_commit(store):
    event = await new_event(store, capacity=10)
    handoffs = count_writer_handoffs(store)
    reg = await sign_up(store, NOW, event, 1)
    assert handoffs == ["_run_begin_immediate", "COMMIT"]  # BEGIN IMMEDIATE, polled
    with closing(sqlite3.connect(store.path)) as other:
        assert other.execute("SELECT status FROM registrations WHERE id = ?",
                             (reg.id,)).fetchone() == ("confirmed",)
        assert other.execute("SELECT COUNT(*) FROM event_log WHERE registration_id = ?",
                             (reg.id,)).fetchone() == (1,)


async def test_a_member_failing_after_inline_writes_leaves_nothing(store):
    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        async with store.transaction() as tx:
            await tx.log.append("test.entry", None, None, "{}", NOW.isoformat())
            raise Boom()
    async with store.transaction() as tx:
        await tx.log.append("test.kept", None, None, "{}", NOW.isoformat())
    with closing(sqlite3.connect(store.path)) as other:
        types = [r[0] for r in other.execute("SELECT type FROM event_log WHERE type LIKE"
                                             " 'test.%'")]
    assert types == ["test.kept"]


async def test_skipping_an_events_pending_mail_runs_on_the_thread(store):
    event = await new_event(store, capacity=10)
    async with store.transaction() as tx:
        for n in range(3):
            await tx.deliveries.plan(key=f"k{n}", kind="reminder", event_id=event.id,
                                     registration_id=None, recipient=f"p{n}@example.org",
                                     due_at=to_db(NOW), message_id=f"<m{n}@x>",
                                     now=to_db(NOW))
    handoffs = count_writer_handoffs(store)
    async with store.transaction() as tx:
        assert await tx.deliveries.skip_pending(reason="event cancelled", now=to_db(NOW),
                                                event_id=event.id) == 3
    assert any(h.startswith("UPDATE deliveries SET status = 'skipped'") for h in handoffs)
    with closing(sqlite3.connect(store.path)) as other:
        assert other.execute("SELECT DISTINCT status FROM deliveries").fetchall() == [
            ("skipped",)]
