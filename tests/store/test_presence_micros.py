"""`attendance.registered_presence` hands the report its times as integer microseconds
(the columns migration 0014 added, written beside the text): exact to the microsecond,
around the second boundaries, an open interval's end as None, on both stores."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import EVENT_START, create_event, person, register_api, resources_of
from webinar.attendance import intervals
from webinar.attendance import service as attendance_service
from webinar.events.model import Event


async def test_times_come_back_as_exact_microseconds(client, clock):
    await create_event(client)
    resp = await register_api(client, "foro-digital", person(1))
    registration_id = (await resp.json())["id"]
    store = resources_of(client).store
    event = Event.from_row(await store.events.by_slug("foro-digital"))
    starts = [EVENT_START + timedelta(microseconds=1),
              EVENT_START + timedelta(minutes=7, seconds=59, microseconds=999_999),
              EVENT_START + timedelta(minutes=30, microseconds=123_456)]
    ends = [starts[0] + timedelta(seconds=61, microseconds=500_000),
            starts[1] + timedelta(microseconds=2), None]
    for n, (start, end) in enumerate(zip(starts, ends, strict=True)):
        assert await attendance_service.record_presence(
            store, clock.now(), event, key=f"test:{n}", source="test", started_at=start,
            ended_at=end, registration_id=registration_id)
    rows = await store.attendance.registered_presence(event.id)
    assert [tuple(row) for row in rows] == [
        (registration_id, intervals.micros(start),
         None if end is None else intervals.micros(end))
        for start, end in zip(starts, ends, strict=True)]
