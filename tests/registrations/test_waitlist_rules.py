"""Who gets a seat, on a real SQLite store: a newcomer's status against capacity, and
promotion of the oldest waitlisted people into exactly the free seats."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import NOW
from tests.factories import new_event, open_store, replace, sign_up
from webinar.registrations.waitlist import fill_free_seats, status_for_newcomer


@pytest.fixture
async def store(tmp_path):
    async with open_store(tmp_path / "webinar.db") as store:
        yield store


async def statuses(store, event) -> list[str]:
    return [r.status for r in await _page(store, event)]


async def _page(store, event):
    from webinar.registrations.service import page

    return await page(store, event, 0, 100, None)


async def test_newcomers_are_confirmed_up_to_capacity_then_waitlisted(store):
    event = await new_event(store, capacity=2)
    async with store.transaction() as tx:
        assert await status_for_newcomer(tx, event) == "confirmed"
    await sign_up(store, NOW, event, 1)
    async with store.transaction() as tx:
        assert await status_for_newcomer(tx, event) == "confirmed"
    await sign_up(store, NOW, event, 2)
    async with store.transaction() as tx:
        assert await status_for_newcomer(tx, event) == "waitlisted"
    async with store.transaction() as tx:
        assert await status_for_newcomer(tx, replace(event, capacity=None)) == "confirmed"


async def test_free_seats_go_to_the_oldest_waiting_and_no_more(store):
    event = await new_event(store, capacity=1)
    for n in range(1, 6):
        await sign_up(store, NOW + timedelta(minutes=n), event, n)
    assert await statuses(store, event) == ["confirmed"] + ["waitlisted"] * 4
    async with store.transaction() as tx:
        assert await fill_free_seats(tx, event, NOW) == 0  # full: nobody moves
    bigger = replace(event, capacity=3)
    later = NOW + timedelta(hours=1)
    async with store.transaction() as tx:
        assert await fill_free_seats(tx, bigger, later) == 2
    regs = await _page(store, event)
    assert [r.status for r in regs] == ["confirmed"] * 3 + ["waitlisted"] * 2
    assert [r.confirmed_at for r in regs[1:3]] == [later, later]
    promoted = await store.log.read_after(0, 100)
    assert [r["registration_id"] for r in promoted
            if r["type"] == "registration.promoted"] == [regs[1].id, regs[2].id]
    async with store.transaction() as tx:  # unlimited: everyone still waiting gets in
        assert await fill_free_seats(tx, replace(event, capacity=None), later) == 2
    assert await statuses(store, event) == ["confirmed"] * 5


async def test_over_capacity_promotes_nobody(store):
    event = await new_event(store, capacity=3)
    for n in range(1, 5):
        await sign_up(store, NOW, event, n)
    async with store.transaction() as tx:
        assert await fill_free_seats(tx, replace(event, capacity=2), NOW) == 0
    assert await statuses(store, event) == ["confirmed"] * 3 + ["waitlisted"]
