"""A live report is of one moment: a registration and its presence committed by another
store (another process) after the report read the registrations, and before it read the
intervals, is in none of its numbers (before, it was in the timeline but not among the
people); the next report has it everywhere."""

from __future__ import annotations

from datetime import timedelta

from tests.attendance.live_data import EVENT_START, LIVE_NOW, event_of, live_data_set
from tests.conftest import resources_of
from tests.factories import sign_up
from tests.store.write_between import WriteBetween
from webinar.attendance import service as attendance
from webinar.reports.service import build_report
from webinar.runtime import open_store


async def test_a_sign_up_and_join_between_two_reads_is_in_no_number(client, clock, settings):
    await live_data_set(client, clock)
    event = await event_of(client)
    store = resources_of(client).store
    before = (await build_report(store, event, LIVE_NOW)).to_json()

    async def nine_signs_up_and_joins() -> None:
        async with open_store(settings) as other:  # another process's connection
            late = await sign_up(other, LIVE_NOW, event, 9)
            assert await attendance.record_presence(
                other, LIVE_NOW, event, key="zoom_webhook:9", source="zoom_webhook",
                started_at=EVENT_START + timedelta(minutes=1), registration_id=late.id)

    hooked = WriteBetween(store, "registrations", "for_report", nine_signs_up_and_joins)
    during = (await build_report(hooked, event, LIVE_NOW)).to_json()  # type: ignore[arg-type]
    assert during == before

    after = (await build_report(store, event, LIVE_NOW)).to_json()
    assert after != before
