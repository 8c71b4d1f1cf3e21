"""The join link records visits: a confirmed registration's click is a visit at any
moment, and presence (without minutes) only inside the window; waitlisted, cancelled and
cancelled-event links record nothing. The waiting page reloads nothing by itself."""

from __future__ import annotations

import json
from datetime import timedelta

from tests.conftest import (
    EVENT_START,
    cancel_registration,
    create_event,
    db_rows,
    organizer_token,
    person,
    register_api,
)


async def _setup(client, **overrides) -> tuple[str, str, str]:
    """(organizer token, join path, manage token) of one confirmed registration."""
    token = await organizer_token(client)
    event = await create_event(client, token, **overrides)
    reg = await (await register_api(client, event["slug"], person(1))).json()
    return token, "/j/" + reg["join_link"].rsplit("/", 1)[1], reg["manage_link"].rsplit("/", 1)[1]


async def _attendance(client, token: str) -> tuple[bool, int]:
    resp = await client.get("/api/v1/events/foro-digital/registrations",
                            headers={"Authorization": f"Bearer {token}"})
    [reg] = (await resp.json())["registrations"]
    return reg["attended"], reg["minutes"]


def _visits(client) -> list[dict]:
    return db_rows(client, "SELECT registration_id, at FROM join_visits ORDER BY id")


def _joined(client) -> list[dict]:
    return [json.loads(r["payload"]) for r in db_rows(
        client, "SELECT payload FROM event_log WHERE type = 'attendance.joined' ORDER BY id")]


async def test_a_click_before_the_doors_open_is_a_visit_not_presence(client, clock):
    token, path, _manage = await _setup(client)
    clock.set(EVENT_START - timedelta(minutes=16))  # doors open 15 minutes before
    resp = await client.get(path, allow_redirects=False)
    assert resp.status == 200
    [visit] = _visits(client)
    assert visit["at"].startswith("2026-12-04T11:44:00")
    assert _joined(client) == [{"source": "join", "in_window": False}]
    assert await _attendance(client, token) == (False, 0)


async def test_a_click_inside_the_window_attends_without_minutes(client, clock):
    token, path, _manage = await _setup(client)
    clock.set(EVENT_START - timedelta(minutes=15))
    resp = await client.get(path, allow_redirects=False)
    assert resp.status == 303  # recorded, then redirected
    assert len(_visits(client)) == 1
    assert _joined(client) == [{"source": "join", "in_window": True}]
    assert await _attendance(client, token) == (True, 0)


async def test_a_click_is_not_enough_when_minutes_are_required(client, clock):
    token, path, _manage = await _setup(client, min_minutes_attended=5)
    clock.set(EVENT_START + timedelta(minutes=1))
    assert (await client.get(path, allow_redirects=False)).status == 303
    assert len(_visits(client)) == 1
    assert await _attendance(client, token) == (False, 0)


async def test_after_the_end_a_visit_but_not_presence(client, clock):
    token, path, _manage = await _setup(client)
    clock.set(EVENT_START + timedelta(hours=2))
    assert (await client.get(path, allow_redirects=False)).status == 200
    assert len(_visits(client)) == 1
    assert await _attendance(client, token) == (False, 0)


async def test_a_link_without_a_url_yet_still_records_the_visit(client, clock):
    token, path, _manage = await _setup(client, join_url=None)
    clock.set(EVENT_START)
    assert (await client.get(path, allow_redirects=False)).status == 200
    assert len(_visits(client)) == 1
    assert await _attendance(client, token) == (True, 0)


async def test_waitlisted_cancelled_and_cancelled_event_record_nothing(client, clock):
    token = await organizer_token(client)
    event = await create_event(client, token, capacity=1)
    first = await (await register_api(client, event["slug"], person(1))).json()
    second = await (await register_api(client, event["slug"], person(2))).json()
    assert second["status"] == "waitlisted"
    clock.set(EVENT_START)
    # waitlisted
    resp = await client.get("/j/" + second["join_link"].rsplit("/", 1)[1],
                            allow_redirects=False)
    assert resp.status == 200 and not _visits(client)
    # the event cancelled: nobody's click is a visit
    await client.patch(f"/api/v1/events/{event['slug']}", json={"status": "cancelled"},
                       headers={"Authorization": f"Bearer {token}"})
    resp = await client.get("/j/" + first["join_link"].rsplit("/", 1)[1],
                            allow_redirects=False)
    assert resp.status == 200 and not _visits(client)
    assert not _joined(client)
    # unknown token
    assert (await client.get("/j/not-a-token")).status == 404
    assert not _visits(client)


async def test_a_cancelled_registration_records_nothing(client, clock):
    _token, path, manage = await _setup(client)
    assert (await cancel_registration(client, manage)).status == 303
    clock.set(EVENT_START)
    assert (await client.get(path, allow_redirects=False)).status == 200
    assert not _visits(client) and not _joined(client)


async def test_every_click_is_a_visit(client, clock):
    token, path, _manage = await _setup(client)
    clock.set(EVENT_START - timedelta(hours=1))
    await client.get(path, allow_redirects=False)
    clock.set(EVENT_START + timedelta(minutes=30))
    await client.get(path, allow_redirects=False)
    await client.get(path, allow_redirects=False)
    assert len(_visits(client)) == 3
    assert len(_joined(client)) == 3
    assert await _attendance(client, token) == (True, 0)


async def test_the_waiting_page_offers_a_button_not_a_timed_refresh(client, clock):
    _token, path, _manage = await _setup(client)
    clock.set(EVENT_START - timedelta(hours=1))
    html = await (await client.get(path, allow_redirects=False)).text()
    assert "http-equiv" not in html.lower()
    assert f'href="{path}"' in html  # "try again"
    # the start time and when the doors open (05:45 in Guatemala), in the event's zone
    assert "06:00" in html and "05:45" in html and "UTC\u221206:00" in html


async def test_a_moved_event_judges_earlier_clicks_by_its_new_window(client, clock):
    """Whether a click is presence is decided against the event's window as it is now,
    not as it was at the click: moving the event later makes an early click count."""
    token, path, _manage = await _setup(client)
    clock.set(EVENT_START - timedelta(minutes=40))  # before the doors open
    await client.get(path, allow_redirects=False)
    assert await _attendance(client, token) == (False, 0)
    moved = EVENT_START - timedelta(minutes=30)
    resp = await client.patch("/api/v1/events/foro-digital", headers={
        "Authorization": f"Bearer {token}"}, json={
        "starts_at": moved.isoformat(), "ends_at": (moved + timedelta(hours=2)).isoformat()})
    assert resp.status == 200, await resp.text()
    assert await _attendance(client, token) == (True, 0)
