"""The live view's numbers (webinar.attendance.live) on a known data set."""

from __future__ import annotations

from datetime import timedelta

from tests.attendance.live_data import (
    EVENT_START,
    LIVE_NOW,
    _registration,
    event_of,
    live_data_set,
)
from tests.conftest import resources_of
from webinar.attendance import live
from webinar.attendance import service as attendance


async def test_open_intervals_count_closed_ones_and_stale_clicks_do_not(client, clock):
    await live_data_set(client, clock)
    event = await event_of(client)
    numbers = await live.live_numbers(resources_of(client).store, event, LIVE_NOW)
    # 1 and 3 by their open intervals, plus the walk-in; 2 left, 5's is outside the window.
    assert numbers.present == 3
    assert numbers.walk_ins == 1
    # Every offered sector, in the event's order, zeros included; walk-ins in none.
    assert numbers.present_by_sector == {"academic": 1, "cooperation": 0, "public": 1,
                                         "private": 0}
    # Only 4 clicked in the last 10 minutes without being in by an interval.
    assert numbers.clicked == 1
    assert numbers.clicked_by_sector == {"academic": 0, "cooperation": 0, "public": 0,
                                         "private": 1}
    assert numbers.state == "open"


async def test_latest_joins_newest_first_clicks_and_intervals(client, clock):
    await live_data_set(client, clock)
    event = await event_of(client)
    numbers = await live.live_numbers(resources_of(client).store, event, LIVE_NOW, latest=3)
    assert [(j.name, j.sector, j.source) for j in numbers.latest] == [
        ("Persona 4", "private", live.CLICK),
        ("Persona 5", "academic", live.CLICK),
        ("<b>Visita</b>", None, "zoom_webhook"),
    ]


async def test_a_click_counts_only_for_the_recent_minutes(client, clock):
    await live_data_set(client, clock)
    event = await event_of(client)
    store = resources_of(client).store
    # Person 4 clicked at start+25: still "clicked" at start+34, no longer at start+36.
    at_34 = await live.live_numbers(store, event, EVENT_START + timedelta(minutes=34))
    at_36 = await live.live_numbers(store, event, EVENT_START + timedelta(minutes=36))
    assert at_34.clicked == 1 and at_36.clicked == 0
    # With a longer span, 5's click (start+10) counts too.
    wide = await live.live_numbers(store, event, LIVE_NOW, recent_minutes=30)
    assert wide.clicked == 2 and wide.clicked_by_sector["academic"] == 1


async def test_leaving_and_joining_change_the_numbers(client, clock):
    _token, regs = await live_data_set(client, clock)
    event = await event_of(client)
    store = resources_of(client).store
    # 1 leaves; 4 (who only clicked) is now seen by Zoom: in, no longer a click.
    assert await attendance.close_presence(store, LIVE_NOW, key="zoom_webhook:1",
                                           ended_at=LIVE_NOW)
    assert await attendance.record_presence(store, LIVE_NOW, event, key="zoom_webhook:4",
                                            source="zoom_webhook", started_at=LIVE_NOW,
                                            registration_id=regs[4]["id"])
    numbers = await live.live_numbers(store, event, LIVE_NOW)
    assert numbers.present == 3
    assert numbers.present_by_sector == {"academic": 0, "cooperation": 0, "public": 1,
                                         "private": 1}
    assert numbers.clicked == 0


async def test_before_the_doors_open_nobody_is_in(client, clock):
    await live_data_set(client, clock)
    event = await event_of(client)
    early = EVENT_START - timedelta(minutes=20)
    numbers = await live.live_numbers(resources_of(client).store, event, early)
    assert (numbers.present, numbers.clicked, numbers.state) == (0, 0, "before")
    # Only 5's early interval had started by then.
    assert [(j.name, j.source) for j in numbers.latest] == [("Persona 5", "zoom_webhook")]


async def test_a_watch_page_viewer_is_in_while_the_beats_keep_coming(client, clock):
    """Heartbeat intervals are stored closed at their last beat: the live view counts
    them while the last beat is recent, and no longer once the beats stop."""
    _token, regs = await live_data_set(client, clock)
    event = await event_of(client)
    store = resources_of(client).store
    before = await live.live_numbers(store, event, LIVE_NOW)
    reg = await _registration(client, regs[4]["id"])
    for minute in range(3):
        await attendance.record_heartbeat(store, LIVE_NOW - timedelta(minutes=2 - minute),
                                          event, reg)
    watching = await live.live_numbers(store, event, LIVE_NOW)
    assert watching.present == before.present + 1
    assert watching.present_by_sector["private"] == before.present_by_sector["private"] + 1
    gone = await live.live_numbers(store, event, LIVE_NOW + timedelta(minutes=3))
    assert gone.present == before.present
