"""The registrants table's filtered set (listing.matching_ids) on a real store: the
`attended` filter and the `minutes` order, with every other filter beside them, against
the plain rule (the SQL's id order, the one attendance rule for everyone, a stable sort
by minutes in the asked direction); and the kept whole-event attendance
(attendance.snapshots): reused while nothing changes, computed again after a change to
this event's attendance or its window, not after a change to another event."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from tests.conftest import EVENT_START, create_event, person, register_api, resources_of
from webinar.attendance import service as attendance_service
from webinar.attendance.intervals import Attendance
from webinar.attendance.snapshots import LIVE_TTL, AttendanceSnapshots
from webinar.events.model import Event
from webinar.registrations import listing
from webinar.registrations.listing import RegistrantsQuery
from webinar.registrations.model import Registration

SLUG = "foro-digital"
SECTORS = ("academic", "cooperation", "public", "private")
# Minutes in the room per person (None: never there; 0: a join click only). Ties, a
# person under the minimum (5) and people with nothing, spread over the sectors.
MINUTES = [30, None, 12, 30, 0, 3, 45, None, 12, 0, 30, 7, 3, None]


async def event_with_people(client, clock,
                            minimum: int = 5) -> tuple[Event, list[int]]:
    await create_event(client, capacity=10, min_minutes_attended=minimum)
    ids = []
    for n, _minutes in enumerate(MINUTES):
        resp = await register_api(client, SLUG, person(
            n, name=f"Persona {n:02d}", sector=SECTORS[n % 4]))
        assert resp.status == 201, await resp.text()
        ids.append((await resp.json())["id"])
    store = resources_of(client).store
    event = Event.from_row(await store.events.by_slug(SLUG))
    for n, (registration_id, minutes) in enumerate(zip(ids, MINUTES, strict=True)):
        if minutes is None:
            continue
        start = EVENT_START + timedelta(minutes=n)
        if minutes == 0:
            clock.set(start)
            reg = await store.registrations.by_id(registration_id)
            assert reg is not None
            assert await attendance_service.record_join(store, start, event,
                                                        Registration.from_row(reg))
            continue
        assert await attendance_service.record_presence(
            store, start, event, key=f"test:{registration_id}", source="test",
            started_at=start, ended_at=start + timedelta(minutes=minutes),
            registration_id=registration_id)
    clock.set(EVENT_START + timedelta(hours=3))  # after the end: nothing grows any more
    return event, ids


def reference(ids_in_id_order: list[int], seen: dict[int, Attendance],
              query: RegistrantsQuery) -> list[int]:
    """The rule written plainly: filter by the one attendance rule, then a stable sort by
    minutes in the asked direction on the id order in that direction."""
    nobody = Attendance(attended=False, minutes=0)
    descending = query.order == "desc"
    ids = sorted(ids_in_id_order, reverse=descending)
    if query.attended is not None:
        ids = [i for i in ids if seen.get(i, nobody).attended is (query.attended == "yes")]
    ids.sort(key=lambda i: seen.get(i, nobody).minutes, reverse=descending)
    return ids


@pytest.mark.parametrize("minimum", [0, 5])  # 0: a join click alone attends
async def test_attended_filter_and_minutes_order_match_the_plain_rule(client, clock, minimum):
    event, ids = await event_with_people(client, clock, minimum)
    store, now = resources_of(client).store, clock.now()
    seen = await attendance_service.registrations_attendance(store, event, now)
    assert sorted(a.minutes for a in seen.values()) == sorted(
        m for m in MINUTES if m is not None)
    snapshots = AttendanceSnapshots()
    statuses = (None, "confirmed", "waitlisted")
    searches = (None, "Persona 1")
    for attended, order, status, sector, q in itertools.product(
            (None, "yes", "no"), ("asc", "desc"), statuses, (None, "public"), searches):
        query = RegistrantsQuery(attended=attended, sort="minutes", order=order,
                                 status=status, sector=sector, q=q)
        in_filter = await store.registrants.ids(event.id, query.filters(), "id", False)
        found, _seen = await listing.matching_ids(store, snapshots, event, query, now)
        assert found == reference(in_filter, seen, query), query
        if attended is not None:  # the attended filter in another order too
            by_name = query.model_copy(update={"sort": "name"})
            found, _seen = await listing.matching_ids(store, snapshots, event, by_name, now)
            names = await store.registrants.ids(event.id, query.filters(), "name",
                                                order == "desc")
            nobody = Attendance(attended=False, minutes=0)
            assert found == [i for i in names
                             if seen.get(i, nobody).attended is (attended == "yes")]
    # The unfiltered minutes order, spelt out: most minutes first, ties by id downwards.
    query = RegistrantsQuery(attended="yes", sort="minutes", order="desc")
    found, _seen = await listing.matching_ids(store, snapshots, event, query, now)
    by_minutes = sorted((m, i) for i, m in zip(ids, MINUTES, strict=True)
                        if m is not None and m >= minimum)
    assert found == [i for _m, i in reversed(by_minutes)]


async def test_the_kept_attendance_follows_this_events_changes_only(client, clock):
    event, ids = await event_with_people(client, clock)
    res = resources_of(client)
    store, snapshots = res.store, AttendanceSnapshots()
    first = await snapshots.of(store, event, clock.now())
    assert await snapshots.of(store, event, clock.now()) is first  # nothing changed

    # Another event's attendance changes: this event's snapshot stays.
    await create_event(client, slug="otro-foro")
    other = Event.from_row(await store.events.by_slug("otro-foro"))
    assert await attendance_service.record_presence(
        store, clock.now(), other, key="test:walk-in", source="test", email="x@example.org",
        started_at=EVENT_START, ended_at=EVENT_START + timedelta(minutes=20))
    assert await snapshots.of(store, event, clock.now()) is first

    # This event's attendance changes (an import fixing someone's minutes afterwards).
    never_there = ids[MINUTES.index(None)]
    assert never_there not in first.attendance
    assert await attendance_service.record_presence(
        store, clock.now(), event, key="test:late", source="test",
        started_at=EVENT_START, ended_at=EVENT_START + timedelta(minutes=50),
        registration_id=never_there)
    second = await snapshots.of(store, event, clock.now())
    assert second is not first
    assert second.attendance[never_there] == Attendance(attended=True, minutes=50)
    assert second.by_minutes[-1] == never_there  # the most minutes now

    # The window moves (an edit of the event): computed again.
    moved = Event.from_row({**dict(await store.events.by_slug(SLUG)),
                            "doors_open_minutes": 0})
    assert await snapshots.of(store, moved, clock.now()) is not second


async def test_during_the_event_it_is_kept_at_most_the_live_ttl(client, clock):
    event, _ids = await event_with_people(client, clock)
    store, snapshots = resources_of(client).store, AttendanceSnapshots()
    live = EVENT_START + timedelta(minutes=30)  # open intervals could still grow
    first = await snapshots.of(store, event, live)
    assert await snapshots.of(store, event, live + LIVE_TTL - timedelta(seconds=1)) is first
    assert await snapshots.of(store, event, live + LIVE_TTL) is not first
