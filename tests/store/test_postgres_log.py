"""The event log on PostgreSQL under out-of-order commits: a transaction that drew the
lower log id commits after one that drew a higher id. A consumer reading in between must
not move its cursor past the lower entry for good. With the store's append lock the
second appender waits for the first, so the reader sees a prefix; the control test drops
the lock and shows the entry lost, so the first test can tell the difference. An
appender takes the lock before it draws its id (one statement does both)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from tests.factories import NOW
from webinar.outbox import consumer
from webinar.outbox import log as outbox_log
from webinar.store.postgres.database import PostgresStore
from webinar.store.postgres.log import LogQueries
from webinar.store.sqlite.log import LogQueries as PlainLogQueries

pytestmark = pytest.mark.once  # PostgreSQL itself, no store parameter


async def _waiting_or_done(store: PostgresStore, task: asyncio.Task) -> None:
    """Until `task` finished or some backend waits for an advisory lock."""
    for _ in range(400):
        if task.done():
            return
        waiting = await store.registrations._conn.fetchval(
            "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        if waiting:
            return
        await asyncio.sleep(0.025)
    raise AssertionError("the second appender neither finished nor waited")


@asynccontextmanager
async def _b_behind_a(one: PostgresStore, two: PostgresStore) -> AsyncIterator[asyncio.Task]:
    """A appends and stays open; then B appends and tries to commit. The block runs while
    B waits (or is done); on leaving it A commits and B ends, also when the block fails:
    an open A would keep the stores' close waiting for ever. Yields B's task."""
    a_appended, release_a = asyncio.Event(), asyncio.Event()

    async def writer_a():
        async with one.transaction() as tx:
            await tx.log.append("test.a", None, None, "{}", "2026-12-01T12:00:00.000000Z")
            a_appended.set()
            await release_a.wait()

    async def writer_b():
        async with two.transaction() as tx:
            await tx.log.append("test.b", None, None, "{}", "2026-12-01T12:00:01.000000Z")

    task_a = asyncio.create_task(writer_a())
    await a_appended.wait()
    task_b = asyncio.create_task(writer_b())
    try:
        await _waiting_or_done(one, task_b)
        yield task_b
    finally:
        release_a.set()
        await asyncio.gather(task_a, task_b)


async def _out_of_order(one: PostgresStore, two: PostgresStore) -> list[int]:
    """A consumer pass runs while B waits behind A, and again after both ended. The ids
    the consumer handled."""
    seen: list[int] = []

    def handler(_tx):
        async def handle(entry):
            seen.append(entry.id)
        return handle

    async with _b_behind_a(one, two):
        await consumer.consume(one, "test", NOW, handler, 100)  # reads between the commits
    await consumer.consume(one, "test", NOW, handler, 100)
    return seen


async def test_a_lower_id_committing_later_is_not_skipped(two_postgres_stores):
    one, two = two_postgres_stores
    seen = await _out_of_order(one, two)
    every = [e.id for e in await outbox_log.read_after(one, 0, 100)]
    assert len(every) == 2
    assert seen == every  # both handled, in id order, once each


async def test_without_the_append_lock_the_lower_entry_is_lost(two_postgres_stores, monkeypatch):
    """Control: the same race with appends that take no lock loses A's entry."""
    monkeypatch.setattr(LogQueries, "append", PlainLogQueries.append)
    one, two = two_postgres_stores
    seen = await _out_of_order(one, two)
    every = [e.id for e in await outbox_log.read_after(one, 0, 100)]
    assert len(every) == 2
    assert seen == [every[1]]  # B's higher id only: A's lower id was skipped for good


async def test_an_appender_waiting_for_the_lock_has_drawn_no_id(two_postgres_stores):
    """Ids are drawn in lock order: while A holds the append lock, B's append waits
    without having taken an id from the sequence, and gets the next one once A commits."""
    one, two = two_postgres_stores
    async with _b_behind_a(one, two) as task_b:
        assert not task_b.done()
        last_drawn = await one.registrations._conn.fetchval(
            "SELECT last_value FROM event_log_id_seq")
    entries = await outbox_log.read_after(one, 0, 100)
    # The last id drawn while B waited was A's own.
    assert [(e.type, e.id) for e in entries] == [("test.a", last_drawn),
                                                  ("test.b", last_drawn + 1)]
