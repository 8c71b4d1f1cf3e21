"""The whole event's attendance in one linear pass (`attendance.service.event_attendance`,
`registrations_attendance`: intervals read in registration and start order, clipped and
counted by `intervals.assess_ordered`) gives the same `attended`, `minutes`, walk-ins and
timeline as the reference rule (`intervals.assess` and `present_per_minute` on each
person's intervals) on seeded random data around the window's edges, on both stores."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, timedelta

import pytest

from tests.conftest import create_event, person, register_api, resources_of
from webinar.attendance import intervals
from webinar.attendance import service as attendance_service
from webinar.attendance.intervals import Interval
from webinar.clock import from_db, to_db
from webinar.events import service as events_service

NOBODY = attendance_service.NOBODY


def _moment(rng: random.Random, doors: datetime, end: datetime) -> datetime:
    """A moment near the window's edges more often than not, sometimes on a second."""
    anchor = rng.choice([doors, end, doors + (end - doors) / 2, doors - timedelta(minutes=3)])
    moment = anchor + timedelta(seconds=rng.randrange(-400, 400))
    if rng.random() < 0.5:
        moment += timedelta(microseconds=rng.randrange(1_000_000))
    return moment


async def _reference(store, event, now):
    """The rule on each person's intervals with datetimes (intervals.assess)."""
    doors, end = intervals.window(event.starts_at, event.ends_at, event.doors_open_minutes)
    spans: dict[object, list[Interval]] = defaultdict(list)
    for row in await store.attendance.event_intervals(event.id):
        who = row["registration_id"] if row["registration_id"] is not None \
            else f"email:{row['email']}"
        spans[who].append(Interval(from_db(row["started_at"]), from_db(row["ended_at"])))
    clicks: dict[object, list[datetime]] = defaultdict(list)
    for row in await store.attendance.event_visits(event.id):
        clicks[row["registration_id"]].append(from_db(row["at"]))
    found = {who: intervals.assess(spans.get(who, ()), clicks.get(who, ()),
                                   window_start=doors, window_end=end,
                                   min_minutes_attended=event.min_minutes_attended, now=now)
             for who in spans.keys() | clicks.keys()}
    timeline = intervals.present_per_minute(spans, doors, end, now)
    return found, timeline


@pytest.mark.parametrize("seed,min_minutes,odd", [(1, 0, False), (2, 0, False),
                                                  (3, 5, False), (4, 30, False),
                                                  (5, 0, True)])
async def test_the_fast_path_gives_the_reference_numbers(client, clock, seed, min_minutes,
                                                         odd):
    """`odd`: one interval stored with times of another width (no fraction, an offset):
    the whole event goes the general way, with the same numbers."""
    rng = random.Random(seed)
    await create_event(client, min_minutes_attended=min_minutes, doors_open_minutes=7)
    ids = [(await (await register_api(client, "foro-digital", person(n))).json())["id"]
           for n in range(14)]
    store = resources_of(client).store
    event = await events_service.get(store, "foro-digital")
    doors, end = intervals.window(event.starts_at, event.ends_at, event.doors_open_minutes)
    now = clock.now()
    for n in range(70):
        who = rng.choice([*ids, None])
        start = _moment(rng, doors, end)
        length = rng.choice([0, 0, 1, 30, 59, 61, 90, 600, 3600, 5000]) \
            + rng.randrange(0, 3)
        stop = None if rng.random() < 0.1 else start + timedelta(seconds=length)
        await attendance_service.record_presence(
            store, now, event, key=f"test:{n}", source="zoom", started_at=start,
            ended_at=stop, registration_id=who,
            email=None if who else f"walkin{rng.randrange(3)}@x.example")
    async with store.transaction() as tx:
        if odd:
            start = doors + timedelta(minutes=3)
            await tx.attendance.insert_interval(
                key="test:odd", event_id=event.id, registration_id=ids[0], email=None,
                name="", source="zoom", started_at=start.isoformat(timespec="seconds"),
                ended_at=(start + timedelta(minutes=9)).isoformat(), now=to_db(now))
        for _ in range(10):
            await tx.attendance.insert_visit(event.id, rng.choice(ids),
                                             to_db(_moment(rng, doors, end)))
    for moment in (None, doors + timedelta(minutes=20), end + timedelta(hours=1)):
        seen = await attendance_service.event_attendance(store, event, moment)
        reference, timeline = await _reference(store, event, moment)
        for reg_id in ids:
            assert seen.registrations.get(reg_id, NOBODY) == reference.get(reg_id, NOBODY)
        assert seen.walk_ins == {k: v for k, v in reference.items() if isinstance(k, str)}
        assert seen.timeline == timeline
        fast = await attendance_service.registrations_attendance(store, event, moment)
        assert fast == seen.registrations


def test_rows_out_of_order_are_left_to_the_general_path():
    """`assess_ordered` refuses rows not in start order (the caller groups and sorts)."""
    minute = intervals.MINUTE_US
    assert intervals.assess_ordered(
        [(1, 5 * minute, 6 * minute), (1, 2 * minute, 3 * minute)], {},
        window_start=0, window_end=60 * minute, min_minutes_attended=0) is None
    found = intervals.assess_ordered(
        [(1, 2 * minute, 3 * minute), (1, 5 * minute, 6 * minute), (2, 0, None)],
        {3: 1, 4: 0}, window_start=0, window_end=60 * minute,
        min_minutes_attended=0)
    assert found == {1: intervals.Attendance(True, 2), 2: intervals.Attendance(True, 60),
                     3: intervals.Attendance(True, 0), 4: intervals.Attendance(False, 0)}
