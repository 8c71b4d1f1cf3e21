"""The PostgreSQL store's locks, each between two stores (two pools, as two processes):
the event row read for a decision blocks a second decider until the first commits; mail
claims skip rows another sender is claiming instead of taking them too or waiting; a
consumer's cursor never moves back; migrating twice at once applies each file once."""

from __future__ import annotations

import asyncio

import pytest

from tests.factories import NOW, new_event
from webinar.clock import to_db
from webinar.store.postgres.database import PostgresStore, migration_files

pytestmark = pytest.mark.once  # PostgreSQL itself, no store parameter


async def test_for_update_holds_the_event_until_the_decider_commits(two_postgres_stores):
    one, two = two_postgres_stores
    event = await new_event(one)
    order: list[str] = []
    locked, release = asyncio.Event(), asyncio.Event()

    async def first():
        async with one.transaction() as tx:
            await tx.events.for_update(event.id)
            locked.set()
            await release.wait()
            order.append("first commits")

    async def second():
        await locked.wait()
        async with two.transaction() as tx:
            await tx.events.for_update(event.id)
            order.append("second reads")

    tasks = [asyncio.create_task(first()), asyncio.create_task(second())]
    await locked.wait()
    await asyncio.sleep(0.3)
    assert order == []  # the second decider waits for the row
    release.set()
    await asyncio.gather(*tasks)
    assert order == ["first commits", "second reads"]


async def _pending_mails(store: PostgresStore, event_id: int, n: int) -> None:
    async with store.transaction() as tx:
        for i in range(n):
            await tx.deliveries.plan(key=f"k{i}", kind="reminder", event_id=event_id,
                                     registration_id=None, recipient=f"p{i}@example.org",
                                     due_at=to_db(NOW), message_id=f"<{i}@example.org>",
                                     now=to_db(NOW))


async def test_claims_skip_rows_another_sender_is_claiming(two_postgres_stores):
    one, two = two_postgres_stores
    event = await new_event(one)
    await _pending_mails(one, event.id, 6)
    now, lease = to_db(NOW), to_db(NOW.replace(hour=13))
    async with one.transaction() as tx_a:
        mine = await tx_a.deliveries.claim_due(now, lease, 4, "A")  # not committed yet
        async with two.transaction() as tx_b:
            theirs = await asyncio.wait_for(
                tx_b.deliveries.claim_due(now, lease, 4, "B"), timeout=5)  # no waiting
    assert len(mine) == 4 and len(theirs) == 2
    assert not {r["id"] for r in mine} & {r["id"] for r in theirs}
    rows = await one.registrations._conn.fetchall(
        "SELECT claim, COUNT(*) AS n FROM deliveries GROUP BY claim ORDER BY claim")
    assert rows == [{"claim": "A", "n": 4}, {"claim": "B", "n": 2}]


async def test_a_cursor_never_moves_back(two_postgres_stores):
    one, _two = two_postgres_stores
    async with one.transaction() as tx:
        await tx.log.move_cursor("c", 7, to_db(NOW))
    async with one.transaction() as tx:
        await tx.log.move_cursor("c", 3, to_db(NOW))
    assert await one.log.cursor_position("c") == 7


async def test_a_pass_reads_its_cursor_under_a_lock(two_postgres_stores):
    """Two passes of one consumer in two processes: the second reads the cursor only after
    the first committed its move."""
    one, two = two_postgres_stores
    moved = asyncio.Event()

    async def first():
        async with one.transaction() as tx:
            assert await tx.log.cursor_position("c") == 0
            moved.set()
            await asyncio.sleep(0.3)
            await tx.log.move_cursor("c", 5, to_db(NOW))

    async def second():
        await moved.wait()
        async with two.transaction() as tx:
            return await tx.log.cursor_position("c")

    _, seen = await asyncio.gather(first(), second())
    assert seen == 5


async def test_two_processes_migrating_at_once_apply_each_file_once(postgres_cluster):
    name = f"migrate_{id(object())}"
    await postgres_cluster.admin(f'CREATE DATABASE "{name}"')  # empty: no template
    stores = [PostgresStore(postgres_cluster.url(name)) for _ in range(3)]
    try:
        for store in stores:
            await store.connect()
        results = await asyncio.gather(*(s.migrate() for s in stores))
        applied = sorted(f for r in results for f in r)  # by whichever process
        assert applied == [p.name for _n, p in migration_files()]  # each file once
        rows = await stores[0].registrations._conn.fetchall(
            "SELECT version FROM schema_migrations ORDER BY version")
        assert [r["version"] for r in rows] == [n for n, _p in migration_files()]
    finally:
        for store in stores:
            await store.close()
        await postgres_cluster.admin(f'DROP DATABASE "{name}" WITH (FORCE)')
