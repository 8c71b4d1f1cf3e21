"""The live view's numbers are of one moment: a join committed by another store (another
process: a webhook, a heartbeat) between two of `live_numbers`' reads changes none of
them; the next refresh shows it everywhere at once (present, clicked and latest agree)."""

from __future__ import annotations

from datetime import timedelta

from tests.attendance.live_data import EVENT_START, LIVE_NOW, event_of, live_data_set
from tests.conftest import resources_of
from tests.store.write_between import WriteBetween
from webinar.attendance import live
from webinar.attendance import service as attendance
from webinar.runtime import open_store


async def test_a_join_between_two_reads_is_in_no_number_until_the_next_refresh(
        client, clock, settings):
    _, regs = await live_data_set(client, clock)
    event = await event_of(client)
    store = resources_of(client).store
    before = await live.live_numbers(store, event, LIVE_NOW)
    assert (before.present, before.clicked) == (3, 1)  # 4 only clicked

    async def four_joins() -> None:
        async with open_store(settings) as other:  # another process's connection
            assert await attendance.record_presence(
                other, LIVE_NOW, event, key="zoom_webhook:4", source="zoom_webhook",
                started_at=EVENT_START + timedelta(minutes=29),
                registration_id=regs[4]["id"])

    hooked = WriteBetween(store, "attendance", "open_presence", four_joins)
    during = await live.live_numbers(hooked, event, LIVE_NOW)  # type: ignore[arg-type]
    assert during == before  # not: 4 among the latest joins, yet not counted in now

    after = await live.live_numbers(store, event, LIVE_NOW)
    assert (after.present, after.clicked) == (4, 0)
    assert after.latest[0].name == "Persona 4" and after.latest[0].source == "zoom_webhook"
