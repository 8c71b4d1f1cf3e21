"""The organizers' live page and its server-sent-events stream, on the app behind a real
test server, with the FakeClock and a short poll interval."""

from __future__ import annotations

import asyncio
import json
import re

import pytest

from tests.attendance.live_data import LIVE_NOW, SLUG, event_of, live_data_set
from tests.conftest import csrf_from, resources_of
from tests.web.test_admin import sign_in
from webinar.app import create_app
from webinar.attendance import service as attendance
from webinar.organizers import accounts as organizers
from webinar.web.live import LIVE_POLL_SECONDS, LIVE_STREAM_SECONDS

LIVE = f"/admin/events/{SLUG}/live"


@pytest.fixture
async def fast_client(aiohttp_client, settings, clock):
    """The app with streams that read the database every 20 ms."""
    app = create_app(settings, clock=clock)
    app[LIVE_POLL_SECONDS] = 0.02
    return await aiohttp_client(app)


async def test_live_page_shows_the_numbers_server_rendered(client, clock):
    await live_data_set(client, clock)
    await sign_in(client)
    resp = await client.get(LIVE, headers={"Accept-Language": "es"})
    assert resp.status == 200
    html = await resp.text()
    assert re.search(r'id="live-present">3<', html)
    assert re.search(r'id="live-walk-ins">1<', html)
    assert re.search(r'id="live-clicked">1<', html)
    # Every offered sector, zeros included, labelled in Spanish.
    for code, present, clicked in (("academic", 1, 0), ("cooperation", 0, 0),
                                   ("public", 1, 0), ("private", 0, 1)):
        assert f'id="live-present-{code}">{present}<' in html
        assert f'id="live-clicked-{code}">{clicked}<' in html
    assert "Cooperación internacional" in html
    assert "últimos 10 minutos" in html
    # Who joined last, escaped; no timed refresh, a Refresh link instead.
    assert "&lt;b&gt;Visita&lt;/b&gt;" in html and "<b>Visita</b>" not in html
    assert "Persona 4" in html
    assert 'http-equiv="refresh"' not in html.lower()
    assert f'href="{LIVE}"' in html
    # The inline script runs by this page's own nonce; the stream is allowed to connect.
    csp = resp.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert f'<script nonce="{nonce}">' in html
    assert "connect-src 'self'" in csp and "default-src 'none'" in csp
    assert resp.headers["Cache-Control"] == "no-store"


async def test_event_page_links_to_the_live_view(client, clock):
    await live_data_set(client, clock)
    await sign_in(client)
    html = await (await client.get(f"/admin/events/{SLUG}")).text()
    assert f'href="{LIVE}"' in html


async def test_live_view_needs_sign_in_and_the_right_organizer(client, clock):
    await live_data_set(client, clock)
    resp = await client.get(LIVE, allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"].startswith("/admin/login")
    res = resources_of(client)
    await organizers.create(res.store, res.now(), "other@example.org", "a long password")
    page = await client.get("/admin/login")
    resp = await client.post("/admin/login", allow_redirects=False, data={
        "email": "other@example.org", "password": "a long password", "next": "/admin/",
        "csrf_token": csrf_from(await page.text())})
    assert resp.status == 303
    assert (await client.get(LIVE)).status == 404
    assert (await client.get(LIVE + "/stream")).status == 404
    assert (await client.get("/admin/events/nope/live")).status == 404


async def _next_data(resp, seconds: float = 5.0) -> dict:
    """The JSON of the stream's next `data:` line (comments and `retry:` skipped)."""
    async def read() -> dict:
        while True:
            line = (await resp.content.readline()).decode()
            assert line, "the stream ended"
            if line.startswith("data: "):
                return json.loads(line[len("data: "):])
    return await asyncio.wait_for(read(), seconds)


async def _data_where(resp, condition, seconds: float = 5.0) -> dict:
    """The first of the stream's next events whose JSON meets `condition`. A stream's poll
    makes four reads, not one snapshot: a write that lands between them gives an event
    that shows part of it (the newcomer in "latest", not yet in "present"), and the next
    poll shows all of it. So wait for the state, not for the next event."""
    async def read() -> dict:
        while not condition(data := await _next_data(resp, seconds)):
            pass
        return data
    return await asyncio.wait_for(read(), seconds)


async def test_stream_sends_the_numbers_then_the_change(fast_client, clock):
    client = fast_client
    _token, regs = await live_data_set(client, clock)
    await sign_in(client)
    resp = await client.get(LIVE + "/stream", headers={"Accept-Language": "en"})
    try:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/event-stream")
        assert resp.headers["Cache-Control"] == "no-store"
        first = await _next_data(resp)
        assert (first["present"], first["walk_ins"], first["clicked"]) == (3, 1, 1)
        sectors = {s["code"]: s for s in first["sectors"]}
        assert list(sectors) == ["academic", "cooperation", "public", "private"]
        assert sectors["cooperation"]["present"] == 0
        assert sectors["cooperation"]["label"] == "International cooperation"
        assert sectors["private"]["clicked"] == 1
        assert first["latest"][0]["name"] == "Persona 4"
        # Someone comes in through the service, as a webhook would: the next event says so.
        event = await event_of(client)
        store = resources_of(client).store
        assert await attendance.record_presence(
            store, LIVE_NOW, event, key="zoom_webhook:new", source="zoom_webhook",
            started_at=LIVE_NOW, registration_id=regs[2]["id"])
        second = await _data_where(resp, lambda data: data["present"] == 4)
        assert second["present"] == 4
        assert {s["code"]: s["present"] for s in second["sectors"]}["academic"] == 2
        newest = second["latest"][0]
        assert (newest["name"], newest["sector"], newest["source"]) == (
            "Persona 2", sectors["academic"]["label"], "Zoom")
    finally:
        resp.close()


async def test_stream_ends_after_its_bound(aiohttp_client, settings, clock):
    app = create_app(settings, clock=clock)
    app[LIVE_POLL_SECONDS] = 0.02
    app[LIVE_STREAM_SECONDS] = 0.2
    client = await aiohttp_client(app)
    await live_data_set(client, clock)
    await sign_in(client)
    resp = await client.get(LIVE + "/stream")
    body = await asyncio.wait_for(resp.text(), 5)  # returns only when the server ends it
    assert body.startswith("retry: ")
    assert body.count("data: ") == 1  # nothing changed: one event, no repeats
