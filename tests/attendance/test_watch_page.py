"""The watch page of an event with an embedded player, and its heartbeats, through the
real app with the FakeClock: the page (iframe, beacon script, a link that works without
JavaScript) and its own CSP while every other page keeps the strict one; heartbeats in
sequence making minutes, a gap starting a new interval, the per-token limit, beats before
the doors open not being presence, and unknown tokens answering 404."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.conftest import EVENT_START, create_event, db_rows, organizer_token, person, register_api

PLAYER = "https://www.youtube-nocookie.com/embed/abc123"
SLUG = "foro-digital"


async def _setup(client, **overrides) -> tuple[str, str]:
    """(organizer token, join path) of one confirmed registration."""
    token = await organizer_token(client)
    await create_event(client, token, **({"embed_url": PLAYER} | overrides))
    reg = await (await register_api(client, SLUG, person(1))).json()
    return token, "/j/" + reg["join_link"].rsplit("/", 1)[1]


async def _attendance(client, token: str) -> tuple[bool, int]:
    resp = await client.get(f"/api/v1/events/{SLUG}/registrations",
                            headers={"Authorization": f"Bearer {token}"})
    [reg] = (await resp.json())["registrations"]
    return reg["attended"], reg["minutes"]


def _heartbeats(client) -> list[dict]:
    return db_rows(client, "SELECT started_at, ended_at FROM presence_intervals"
                           " WHERE source = 'heartbeat' ORDER BY id")


async def _beat(client, path: str) -> None:
    resp = await client.post(f"{path}/heartbeat")
    assert resp.status == 204
    assert await resp.read() == b""


def _directives(csp: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in csp.split(";"))


async def test_the_watch_page_embeds_the_player_and_beats(client, clock):
    _token, path = await _setup(client)
    clock.set(EVENT_START)
    resp = await client.get(path, allow_redirects=False)
    assert resp.status == 200
    html = await resp.text()
    assert f'<iframe src="{PLAYER}"' in html
    assert 'referrerpolicy="strict-origin"' in html
    assert "navigator.sendBeacon" in html and f'data-beat="{path}/heartbeat"' in html
    # Without JavaScript: a plain link to the platform (the event's join URL).
    assert 'href="https://zoom.example.org/j/123"' in html
    csp = _directives(resp.headers["Content-Security-Policy"])
    assert csp["frame-src"] == "https://www.youtube-nocookie.com"
    assert csp["connect-src"] == "'self'"
    [nonce] = re.findall(r'<script nonce="([^"]+)"', html)
    assert csp["script-src"] == f"'nonce-{nonce}'"
    assert csp["default-src"] == "'none'" and csp["frame-ancestors"] == "'none'"
    assert resp.headers["Cache-Control"] == "no-store"
    # A fresh nonce each time.
    again = await client.get(path, allow_redirects=False)
    assert re.findall(r'<script nonce="([^"]+)"', await again.text()) != [nonce]


async def test_every_other_page_keeps_the_strict_policy(client, clock):
    """No frames, no connections; a page's own small scripts (the visitor's time, the
    countdown) run by that response's nonce, and no other script does."""
    _token, path = await _setup(client)
    for url in (f"/events/{SLUG}", path):  # the join link before the doors open, too
        resp = await client.get(url, allow_redirects=False)
        csp = _directives(resp.headers["Content-Security-Policy"])
        assert "frame-src" not in csp and "connect-src" not in csp
        nonces = set(re.findall(r'<script nonce="([^"]+)"', await resp.text()))
        assert len(nonces) == 1 and csp["script-src"] == f"'nonce-{nonces.pop()}'"
    resp = await client.get("/")  # a page with no script of its own: none at all
    assert "script-src" not in _directives(resp.headers["Content-Security-Policy"])


async def test_an_event_without_a_player_keeps_the_redirect(client, clock):
    _token, path = await _setup(client, embed_url=None)
    clock.set(EVENT_START)
    resp = await client.get(path, allow_redirects=False)
    assert resp.status == 303
    assert resp.headers["Location"] == "https://zoom.example.org/j/123"


async def test_a_player_without_a_join_url_still_opens(client, clock):
    _token, path = await _setup(client, join_url=None)
    clock.set(EVENT_START)
    resp = await client.get(path, allow_redirects=False)
    assert resp.status == 200
    assert f'href="{PLAYER}"' in await resp.text()


async def test_heartbeats_in_sequence_make_minutes(client, clock):
    token, path = await _setup(client)
    clock.set(EVENT_START - timedelta(minutes=5))  # doors open 15 minutes before
    for _minute in range(31):
        await _beat(client, path)
        clock.advance(minutes=1)
    [span] = _heartbeats(client)
    assert span["started_at"].startswith("2026-12-04T11:55:00")
    assert span["ended_at"].startswith("2026-12-04T12:25:00")
    clock.set(EVENT_START + timedelta(hours=3))
    assert await _attendance(client, token) == (True, 30)
    joined = db_rows(client, "SELECT payload FROM event_log WHERE type = 'attendance.joined'")
    assert len(joined) == 1  # a new interval is logged, an extension is not


async def test_a_gap_starts_a_new_interval(client, clock):
    token, path = await _setup(client)
    clock.set(EVENT_START)
    for _minute in range(11):  # 0 .. 10
        await _beat(client, path)
        clock.advance(minutes=1)
    clock.advance(minutes=1)  # the beat at 11 lost: 2 minutes after the last is no gap ...
    await _beat(client, path)  # 12
    clock.advance(minutes=8)  # ... eight minutes without one is
    for _minute in range(6):  # 20 .. 25
        await _beat(client, path)
        clock.advance(minutes=1)
    assert len(_heartbeats(client)) == 2
    clock.set(EVENT_START + timedelta(hours=3))
    assert await _attendance(client, token) == (True, 17)  # 12 + 5


async def test_beats_closer_than_twenty_seconds_count_once(client, clock):
    _token, path = await _setup(client)
    clock.set(EVENT_START)
    await _beat(client, path)
    clock.advance(minutes=2)
    await _beat(client, path)
    clock.advance(seconds=10)
    await _beat(client, path)  # answered, not counted
    [span] = _heartbeats(client)
    assert span["ended_at"].startswith("2026-12-04T12:02:00.")


async def test_heartbeats_before_the_doors_open_are_not_presence(client, clock):
    token, path = await _setup(client)
    clock.set(EVENT_START - timedelta(minutes=40))
    for _minute in range(10):
        await _beat(client, path)
        clock.advance(minutes=1)
    assert _heartbeats(client) == []
    clock.set(EVENT_START + timedelta(hours=3))
    await _beat(client, path)  # nor after the end
    assert _heartbeats(client) == []
    assert await _attendance(client, token) == (False, 0)


async def test_a_heartbeat_with_an_unknown_token_is_404(client, clock):
    await _setup(client)
    clock.set(EVENT_START)
    assert (await client.post("/j/not-a-token/heartbeat")).status == 404
    assert (await client.post("/j/" + "x" * 65 + "/heartbeat")).status == 404
    assert _heartbeats(client) == []


async def test_a_waitlisted_registration_beats_for_nothing(client, clock):
    token = await organizer_token(client)
    await create_event(client, token, embed_url=PLAYER, capacity=1)
    await register_api(client, SLUG, person(1))
    waiting = await (await register_api(client, SLUG, person(2))).json()
    assert waiting["status"] == "waitlisted"
    path = "/j/" + waiting["join_link"].rsplit("/", 1)[1]
    clock.set(EVENT_START)
    assert (await client.get(path, allow_redirects=False)).status == 200  # the explanation
    await _beat(client, path)
    assert _heartbeats(client) == []
