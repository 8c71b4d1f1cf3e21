"""Statements that may change many rows run on aiosqlite's thread even inside a write
transaction, whose one-row statements run on the event loop's own thread
(test_sqlite_inline_members.py): skipping a whole event's pending mail must not stop the
loop (every other request of the web process) for as long as it takes."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from tests.conftest import NOW
from tests.factories import new_event
from tests.store.test_sqlite_inline_members import count_writer_handoffs, store  # noqa: F401
from webinar.clock import to_db


async def test_skipping_an_events_pending_mail_runs_on_the_thread(store):  # noqa: F811
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
    assert [h for h in handoffs if "deliveries" in h] == [h for h in handoffs
                                                          if h.startswith("UPDATE")]
    assert any(h.startswith("UPDATE deliveries SET status = 'skipped'") for h in handoffs)
    with closing(sqlite3.connect(store.path)) as other:
        assert other.execute("SELECT DISTINCT status FROM deliveries").fetchall() == [
            ("skipped",)]
