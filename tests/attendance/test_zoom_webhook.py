"""Zoom's webhooks through the real app: the signed handshake (Zoom's own test vector),
joined/left pairs stored as one interval with real minutes in the registrations API,
forged, unsigned and stale requests storing nothing, re-deliveries counting once, walk-ins
kept apart, a meeting reused by a series finding the right event, and 404 without the
secret. The payloads are Zoom's samples (tests/attendance/samples/zoom-webhook-*.json),
for the sample event of helpers.py (24 November 2026, 16:00-17:00 UTC)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.attendance.helpers import SAMPLES, SLUG, registrations, sample_event
from tests.conftest import create_event, db_rows
from webinar.app import create_app
from webinar.attendance.zoom_webhook import signature

SECRET = "secretValueTest"  # the secret of Zoom's handshake test vector
URL = "/api/v1/webhooks/zoom"
JOIN_URL = "https://us02web.zoom.us/j/81234567890?pwd=abc"
JOINED_AT = datetime(2026, 11, 24, 16, 1, 5, tzinfo=UTC)
LEFT_AT = datetime(2026, 11, 24, 16, 47, 51, tzinfo=UTC)


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"zoom_webhook_secret": SECRET})


def sample(name: str) -> dict:
    return json.loads((SAMPLES / f"zoom-webhook-{name}.json").read_text())


async def post(client, clock, payload: dict | bytes, *, secret: str = SECRET,
               sent_at: datetime | None = None, signed: bool = True):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    timestamp = str(int((sent_at or clock.now()).timestamp()))
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if signed:
        headers |= {"x-zm-request-timestamp": timestamp,
                    "x-zm-signature": signature(secret, timestamp, body)}
    return await client.post(URL, data=body, headers=headers)


async def deliver(client, clock, name: str, **changes):
    """A sample webhook, sent by Zoom at its own moment (the join or the leave)."""
    payload = sample(name)
    payload["payload"]["object"]["participant"].update(changes)
    participant = payload["payload"]["object"]["participant"]
    clock.set(datetime.fromisoformat(participant.get("leave_time") or participant["join_time"]))
    resp = await post(client, clock, payload)
    assert resp.status == 200, await resp.text()
    return (await resp.json())["status"]


def intervals(client) -> list[dict]:
    return db_rows(client, "SELECT event_id, registration_id, email, source, started_at,"
                           " ended_at FROM presence_intervals ORDER BY id")


def attendance_log(client) -> list[str]:
    return [r["type"] for r in db_rows(
        client, "SELECT type FROM event_log WHERE type LIKE 'attendance.%' ORDER BY id")]


async def test_the_handshake_answers_with_zoom_test_vector(client, clock):
    case = sample("endpoint-url_validation")
    resp = await post(client, clock, case["request"], secret=case["secret_token"])
    assert resp.status == 200
    assert await resp.json() == case["response"]


async def test_an_unsigned_handshake_is_refused(client, clock):
    """Unsigned, the handshake would sign any text an attacker chose."""
    case = sample("endpoint-url_validation")
    resp = await post(client, clock, case["request"], signed=False)
    assert resp.status == 401


@pytest.mark.parametrize("kind", ["meeting", "webinar"])
async def test_joined_and_left_make_one_interval_with_real_minutes(client, clock, kind):
    token, _regs = await sample_event(client, clock, join_url=JOIN_URL)
    assert await deliver(client, clock, f"{kind}-participant_joined") == "opened"
    [opened] = intervals(client)
    assert opened["ended_at"] is None and opened["source"] == "zoom_webhook"
    assert await deliver(client, clock, f"{kind}-participant_left") == "closed"
    [closed] = intervals(client)
    assert closed["started_at"].startswith("2026-11-24T16:01:05")
    assert closed["ended_at"].startswith("2026-11-24T16:47:51")
    clock.set(datetime(2026, 11, 25, tzinfo=UTC))
    ana = (await registrations(client, token))["ana@uvg.example"]
    assert (ana["attended"], ana["minutes"]) == (True, 46)  # 46 min 46 s, rounded down
    assert attendance_log(client) == ["attendance.joined", "attendance.left"]


async def test_a_redelivered_webhook_counts_once(client, clock):
    token, _regs = await sample_event(client, clock, join_url=JOIN_URL)
    assert await deliver(client, clock, "meeting-participant_joined") == "opened"
    assert await deliver(client, clock, "meeting-participant_joined") == "repeated"
    assert await deliver(client, clock, "meeting-participant_left") == "closed"
    assert await deliver(client, clock, "meeting-participant_left") == "nothing_open"
    assert await deliver(client, clock, "meeting-participant_joined") == "repeated"
    assert len(intervals(client)) == 1
    assert attendance_log(client) == ["attendance.joined", "attendance.left"]
    ana = (await registrations(client, token))["ana@uvg.example"]
    assert ana["minutes"] == 46


async def test_a_forged_signature_stores_nothing(client, clock):
    await sample_event(client, clock, join_url=JOIN_URL)
    clock.set(JOINED_AT)
    resp = await post(client, clock, sample("meeting-participant_joined"), secret="guessed")
    assert resp.status == 401
    assert (await resp.json())["error"] == "bad_signature"
    body = json.dumps(sample("meeting-participant_joined")).encode()
    timestamp = str(int(clock.now().timestamp()))
    tampered = body.replace(b"ana@uvg.example", b"eve@uvg.example")
    resp = await client.post(URL, data=tampered, headers={
        "x-zm-request-timestamp": timestamp,
        "x-zm-signature": signature(SECRET, timestamp, body)})
    assert resp.status == 401
    resp = await post(client, clock, sample("meeting-participant_joined"), signed=False)
    assert resp.status == 401
    assert intervals(client) == [] and attendance_log(client) == []


async def test_a_stale_timestamp_stores_nothing(client, clock):
    await sample_event(client, clock, join_url=JOIN_URL)
    clock.set(JOINED_AT)
    payload = sample("meeting-participant_joined")
    resp = await post(client, clock, payload, sent_at=JOINED_AT - timedelta(minutes=6))
    assert resp.status == 401
    assert (await resp.json())["error"] == "stale_timestamp"
    resp = await post(client, clock, payload, sent_at=JOINED_AT + timedelta(minutes=6))
    assert resp.status == 401
    assert intervals(client) == [] and attendance_log(client) == []
    # Four minutes late is still Zoom's: stored.
    resp = await post(client, clock, payload, sent_at=JOINED_AT - timedelta(minutes=4))
    assert resp.status == 200 and len(intervals(client)) == 1


async def test_someone_with_no_registration_is_a_walk_in(client, clock):
    token, regs = await sample_event(client, clock, join_url=JOIN_URL)
    await deliver(client, clock, "meeting-participant_joined", email="Visitor@Example.ORG",
                  participant_uuid="V-1", user_id="99")
    await deliver(client, clock, "meeting-participant_left", email="Visitor@Example.ORG",
                  participant_uuid="V-1", user_id="99")
    [walk_in] = intervals(client)
    assert walk_in["registration_id"] is None and walk_in["email"] == "visitor@example.org"
    assert walk_in["ended_at"] is not None
    listed = await registrations(client, token)
    assert set(listed) == set(regs)  # never made a registration
    assert not any(r["attended"] for r in listed.values())


async def test_the_email_matches_whatever_its_case(client, clock):
    token, regs = await sample_event(client, clock, join_url=JOIN_URL)
    await deliver(client, clock, "webinar-participant_joined", email=" ANA@UVG.example ")
    [row] = intervals(client)
    assert row["registration_id"] == regs["ana@uvg.example"]["id"]


async def test_a_meeting_reused_by_a_series_finds_the_right_event(client, clock):
    token, _regs = await sample_event(client, clock, join_url=JOIN_URL)
    # The same meeting a week later, and a personal /my/ link naming it by its field.
    week = timedelta(days=7)
    clock.set(datetime(2026, 11, 20, tzinfo=UTC))
    later = await create_event(client, token, slug="bienvenida-2", join_url=JOIN_URL,
                               starts_at="2026-12-01T10:00:00-06:00",
                               ends_at="2026-12-01T11:00:00-06:00")
    personal = await create_event(client, token, slug="bienvenida-3",
                                  join_url="https://uvg.zoom.us/my/bienvenida",
                                  zoom_meeting_id="812 3456 7890",
                                  starts_at="2026-12-08T10:00:00-06:00",
                                  ends_at="2026-12-08T11:00:00-06:00")
    ids = {r["slug"]: r["id"] for r in db_rows(client, "SELECT slug, id FROM events")}
    assert {later["slug"], personal["slug"]} < set(ids)
    for n, shift in enumerate([timedelta(0), week, 2 * week]):
        payload = sample("meeting-participant_joined")
        payload["payload"]["object"]["uuid"] = f"instance-{n}"
        payload["payload"]["object"]["participant"]["join_time"] = \
            (JOINED_AT + shift).isoformat()
        clock.set(JOINED_AT + shift)
        assert (await post(client, clock, payload)).status == 200
    assert [r["event_id"] for r in intervals(client)] == \
        [ids[SLUG], ids["bienvenida-2"], ids["bienvenida-3"]]


async def test_a_join_far_from_any_event_is_ignored(client, clock):
    await sample_event(client, clock, join_url=JOIN_URL)
    # Two hours before the doors open (09:45): outside the hour's slack.
    assert await deliver(client, clock, "meeting-participant_joined",
                         join_time="2026-11-24T13:44:00Z") == "no_event"
    assert await deliver(client, clock, "meeting-participant_joined",
                         join_time="2026-11-24T14:46:00Z") == "opened"  # inside the slack
    payload = sample("meeting-participant_joined")
    payload["payload"]["object"]["id"] = "89999999999"  # a meeting of no event
    clock.set(JOINED_AT)
    resp = await post(client, clock, payload)
    assert resp.status == 200 and (await resp.json())["status"] == "no_event"
    assert len(intervals(client)) == 1


async def test_a_left_without_its_joined(client, clock):
    """With the join time: a closed interval. Without it: nothing to close, ignored."""
    await sample_event(client, clock, join_url=JOIN_URL)
    assert await deliver(client, clock, "meeting-participant_left") == "nothing_open"
    assert intervals(client) == []
    assert await deliver(client, clock, "meeting-participant_left",
                         join_time="2026-11-24T16:01:05Z") == "stored"
    [row] = intervals(client)
    assert row["started_at"].startswith("2026-11-24T16:01:05")
    assert row["ended_at"].startswith("2026-11-24T16:47:51")


async def test_bodies_that_are_not_zoom_events(client, clock):
    await sample_event(client, clock, join_url=JOIN_URL)
    clock.set(JOINED_AT)
    assert (await post(client, clock, b"{not json")).status == 400
    assert (await post(client, clock, b"[1, 2]")).status == 400
    broken = copy.deepcopy(sample("meeting-participant_joined"))
    del broken["payload"]["object"]["participant"]
    assert (await post(client, clock, broken)).status == 400
    other = {"event": "meeting.started", "event_ts": 1, "payload": {"object": {"id": "1"}}}
    resp = await post(client, clock, other)
    assert resp.status == 200 and (await resp.json())["status"] == "ignored"
    resp = await post(client, clock, b"x" * (65 * 1024))
    assert resp.status == 413
    assert intervals(client) == []


async def test_without_the_secret_the_route_does_not_exist(aiohttp_client, settings, clock):
    app = create_app(settings.model_copy(update={"zoom_webhook_secret": None}), clock=clock)
    client = await aiohttp_client(app)
    resp = await post(client, clock, sample("meeting-participant_joined"))
    assert resp.status == 404
    assert resp.content_type == "application/json"


async def test_back_to_back_sessions_in_one_meeting_take_the_nearest(client, clock):
    """A join at 11:40 is inside the first session's slack and the second's window: the
    second's."""
    token, _regs = await sample_event(client, clock, join_url=JOIN_URL)
    clock.set(datetime(2026, 11, 20, tzinfo=UTC))
    await create_event(client, token, slug="bienvenida-tarde", join_url=JOIN_URL,
                       starts_at="2026-11-24T11:30:00-06:00",
                       ends_at="2026-11-24T12:30:00-06:00")
    ids = {r["slug"]: r["id"] for r in db_rows(client, "SELECT slug, id FROM events")}
    await deliver(client, clock, "meeting-participant_joined", join_time="2026-11-24T17:40:00Z")
    await deliver(client, clock, "meeting-participant_joined", join_time="2026-11-24T16:50:00Z",
                  participant_uuid="other")
    assert [r["event_id"] for r in intervals(client)] == [ids["bienvenida-tarde"], ids[SLUG]]
