"""The attendance service on a real SQLite file: intervals from webhooks, heartbeats and
check-ins are idempotent by key and logged only when something changed; `attended` and
`minutes` come from the union of every source clipped to the window; an import run by two
processes at once stores each interval once."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

from tests.attendance.helpers import SAMPLES, SLUG, registrations, sample_event
from tests.conftest import db_rows, resources_of
from tests.factories import open_store
from webinar.attendance import service
from webinar.attendance.intervals import Attendance
from webinar.events import service as events_service

# The samples' event: window 15:45-17:00 UTC on 24 November 2026.
DOORS = datetime(2026, 11, 24, 15, 45, tzinfo=UTC)
START = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
END = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)


def _log(client, type_: str) -> list[dict]:
    return [json.loads(r["payload"]) for r in db_rows(
        client, "SELECT payload FROM event_log WHERE type = ? ORDER BY id", (type_,))]


async def _event_and_ids(client, clock):
    token, regs = await sample_event(client, clock)
    res = resources_of(client)
    event = await events_service.get(res.store, SLUG)
    return token, event, {email: r["id"] for email, r in regs.items()}


async def test_presence_is_idempotent_by_key_and_logged_once(client, clock):
    _token, event, ids = await _event_and_ids(client, clock)
    store, now = resources_of(client).store, clock.now()
    ana = ids["ana@uvg.example"]
    args = dict(key="zoom_webhook:123:abc", source="zoom_webhook", started_at=START,
                registration_id=ana, email=" Ana@UVG.example ", name="Ana")
    assert await service.record_presence(store, now, event, **args)
    assert not await service.record_presence(store, now, event, **args)  # re-delivered
    [row] = db_rows(client, "SELECT * FROM presence_intervals")
    assert (row["email"], row["ended_at"], row["registration_id"]) \
        == ("ana@uvg.example", None, ana)
    assert len(_log(client, "attendance.joined")) == 1
    # closing: once; a re-delivered "left", or a key never opened, changes nothing
    left = START + timedelta(minutes=30)
    assert await service.close_presence(store, now, key=args["key"], ended_at=left)
    assert not await service.close_presence(store, now, key=args["key"],
                                            ended_at=left + timedelta(minutes=5))
    assert not await service.close_presence(store, now, key="zoom_webhook:nobody",
                                            ended_at=left)
    [row] = db_rows(client, "SELECT ended_at FROM presence_intervals")
    assert row["ended_at"].startswith("2026-11-24T16:30:00")
    [entry] = _log(client, "attendance.left")
    assert entry["source"] == "zoom_webhook"
    got = await service.attendance_of(store, event, [ana], now)
    assert got == {ana: Attendance(attended=True, minutes=30)}


async def test_a_leave_before_the_join_closes_at_the_join(client, clock):
    _token, event, ids = await _event_and_ids(client, clock)
    store, now = resources_of(client).store, clock.now()
    await service.record_presence(store, now, event, key="hb:1", source="heartbeat",
                                  started_at=START, registration_id=ids["ana@uvg.example"])
    assert await service.close_presence(store, now, key="hb:1",
                                        ended_at=START - timedelta(minutes=1))
    [row] = db_rows(client, "SELECT started_at, ended_at FROM presence_intervals")
    assert row["started_at"] == row["ended_at"]


async def test_minutes_are_the_union_of_all_sources_inside_the_window(client, clock):
    token, event, ids = await _event_and_ids(client, clock)
    store, now = resources_of(client).store, clock.now()
    bruno, carla, elena = (ids["bruno.castillo@uvg.example"], ids["carla.mendez@gmail.example"],
                           ids["elena.perez@uvg.example"])

    async def span(key, reg, start, end, source="zoom_webhook"):
        await service.record_presence(store, now, event, key=key, source=source,
                                      started_at=start, ended_at=end, registration_id=reg)

    # Bruno: a webhook 16:00-16:20 and heartbeats 16:10-16:30 overlap: 30 minutes, not 40
    await span("w:b", bruno, START, START + timedelta(minutes=20))
    await span("h:b", bruno, START + timedelta(minutes=10), START + timedelta(minutes=30),
               "heartbeat")
    # Carla: 15:00-15:50 is mostly before the doors (15:45): 5 minutes; 17:10-17:30 after
    await span("w:c1", carla, START - timedelta(hours=1), START - timedelta(minutes=10))
    await span("w:c2", carla, END + timedelta(minutes=10), END + timedelta(minutes=30))
    # Elena: only outside the window
    await span("w:e", elena, END + timedelta(minutes=1), END + timedelta(minutes=40))
    people = await registrations(client, token)
    assert people["bruno.castillo@uvg.example"]["minutes"] == 30
    assert people["bruno.castillo@uvg.example"]["attended"]
    assert (people["carla.mendez@gmail.example"]["attended"],
            people["carla.mendez@gmail.example"]["minutes"]) == (True, 5)
    assert (people["elena.perez@uvg.example"]["attended"],
            people["elena.perez@uvg.example"]["minutes"]) == (False, 0)
    # the whole event at once (the report's read): walk-ins apart
    await service.record_presence(store, now, event, key="w:guest", source="zoom_webhook",
                                  started_at=START, ended_at=START + timedelta(minutes=3),
                                  name="Invitado")
    whole = await service.event_attendance(store, event, now)
    assert whole.registrations[bruno] == Attendance(True, 30)
    assert whole.walk_ins == {"name:invitado": Attendance(True, 3)}


async def test_an_open_interval_counts_until_now(client, clock):
    _token, event, ids = await _event_and_ids(client, clock)
    store = resources_of(client).store
    ana = ids["ana@uvg.example"]
    await service.record_presence(store, START, event, key="w:a", source="zoom_webhook",
                                  started_at=START, registration_id=ana)
    during = START + timedelta(minutes=12, seconds=30)
    assert (await service.attendance_of(store, event, [ana], during))[ana].minutes == 12
    assert (await service.attendance_of(store, event, [ana], END + timedelta(hours=1)))[
        ana].minutes == 60


async def test_a_page_reads_only_its_own_people(client, clock):
    _token, event, ids = await _event_and_ids(client, clock)
    store, now = resources_of(client).store, clock.now()
    for n, reg in enumerate(ids.values()):
        await service.record_presence(store, now, event, key=f"w:{n}", source="zoom_webhook",
                                      started_at=START, ended_at=START + timedelta(minutes=n + 1),
                                      registration_id=reg)
    some = sorted(ids.values())[1:3]
    got = await service.attendance_of(store, event, some, now)
    assert set(got) == set(some) and all(a.attended for a in got.values())
    assert await service.attendance_of(store, event, [], now) == {}


async def test_two_processes_importing_the_same_file_store_it_once(client, clock, settings):
    _token, event, _ids = await _event_and_ids(client, clock)
    data = (SAMPLES / "zoom-participants-en.csv").read_bytes()
    async with open_store(settings.data_dir / "webinar.db") as second:  # another process
        outcomes = await asyncio.gather(
            service.import_export(resources_of(client).store, clock.now(), event, data),
            service.import_export(second, clock.now(), event, data))
    assert sorted(o.intervals_added for o in outcomes) == [0, 7]
    assert len(db_rows(client, "SELECT id FROM presence_intervals")) == 7
