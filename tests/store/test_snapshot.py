"""`Store.snapshot()`: reads of one moment. A write committed by another store on the same
file or database (as another process would) while a snapshot is open is not seen inside
it, is seen by the store's own reads meanwhile and by reads after it; an open snapshot
keeps no writer waiting, of this store or another. On both stores."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import NOW
from tests.factories import new_event, open_store, sign_up


@pytest.fixture
async def two_stores(tmp_path, database_url):
    """Two stores on one SQLite file (or one PostgreSQL database), as two processes."""
    async with open_store(tmp_path / "snapshot.db") as one, \
            open_store(tmp_path / "snapshot.db") as two:
        yield one, two


async def test_a_write_from_another_store_is_not_seen_inside_the_snapshot(two_stores):
    one, two = two_stores
    event = await new_event(one, capacity=None)
    await sign_up(one, NOW, event, 1)
    async with one.snapshot() as view:
        before = await view.registrations.for_report(event.id)
        assert len(before) == 1
        # Another process signs someone up and is told so (committed), in the middle.
        late = await asyncio.wait_for(sign_up(two, NOW, event, 2), 10)
        assert await view.registrations.for_report(event.id) == before
        assert (await view.registrations.counts(event.id)).get("confirmed") == 1
        assert await view.registrations.by_id(late.id) is None
        # The store's own reads, outside the snapshot, see the latest commit.
        assert len(await one.registrations.for_report(event.id)) == 2
    async with one.snapshot() as view:
        assert len(await view.registrations.for_report(event.id)) == 2
        assert (await view.registrations.by_id(late.id))["email"] == late.email


async def test_an_open_snapshot_keeps_no_writer_waiting(two_stores):
    one, two = two_stores
    event = await new_event(one, capacity=None)
    async with one.snapshot() as view:
        await view.registrations.for_report(event.id)
        # The same store's write transaction and another store's, while it is open.
        await asyncio.wait_for(sign_up(one, NOW, event, 1), 10)
        await asyncio.wait_for(sign_up(two, NOW, event, 2), 10)
        assert await view.registrations.for_report(event.id) == []
    assert len(await one.registrations.for_report(event.id)) == 2


async def test_a_snapshot_left_by_an_error_ends_and_the_next_sees_new_writes(two_stores):
    one, two = two_stores
    event = await new_event(one, capacity=None)
    with pytest.raises(RuntimeError):
        async with one.snapshot() as view:
            await view.registrations.for_report(event.id)
            raise RuntimeError("the caller failed")
    await sign_up(two, NOW, event, 1)
    async with one.snapshot() as view:
        assert len(await view.registrations.for_report(event.id)) == 1


async def test_a_snapshot_refuses_to_write(two_stores):
    one, _ = two_stores
    event = await new_event(one, capacity=None)
    with pytest.raises(Exception, match="(?i)read.?only"):
        async with one.snapshot() as view:
            await view.registrations.set_cancelled(1, "2026-12-01T12:00:00.000000Z")
    assert await one.registrations.for_report(event.id) == []
