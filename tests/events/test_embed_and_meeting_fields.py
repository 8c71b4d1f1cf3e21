"""The event fields of migration 0005: `embed_url` (only https players on the allow-list of
webinar.events.embed) and `zoom_meeting_id` (digits, as Zoom shows them or bare), through
the API as an organizer sets them."""

from __future__ import annotations

import pytest

from tests.conftest import create_event, organizer_token

ALLOWED = [
    "https://www.youtube.com/embed/live_stream?channel=UC123",
    "https://www.youtube-nocookie.com/embed/abc123",
    "https://player.vimeo.com/video/123456",
    "https://meet.jit.si/ForoGobiernoDigital",
]
REFUSED = [
    "http://www.youtube.com/embed/abc",  # not https
    "https://www.youtube.com/watch?v=abc",  # a page, not the player
    "https://evil.example/embed/abc",
    "https://www.youtube.com.evil.example/embed/abc",
    "https://user:pw@player.vimeo.com/video/1",
    "https://player.vimeo.com:8443/video/1",
    "https://meet.jit.si/",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("url", ALLOWED)
async def test_an_allowed_player_is_kept(client, url):
    event = await create_event(client, embed_url=url)
    assert event["embed_url"] == url


@pytest.mark.parametrize("url", REFUSED)
async def test_any_other_address_is_refused(client, url):
    token = await organizer_token(client)
    resp = await client.post("/api/v1/events", json={
        "slug": "x", "title": "X", "starts_at": "2030-01-01T10:00:00Z",
        "ends_at": "2030-01-01T11:00:00Z", "embed_url": url},
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "es"})
    assert resp.status == 422
    assert "YouTube" in (await resp.json())["errors"]["embed_url"]


async def test_the_meeting_id_is_kept_as_digits_and_can_be_patched_away(client):
    token = await organizer_token(client)
    event = await create_event(client, token, zoom_meeting_id="812 3456 7890")
    assert event["zoom_meeting_id"] == "81234567890" and event["embed_url"] is None
    auth = {"Authorization": f"Bearer {token}"}
    resp = await client.patch(f"/api/v1/events/{event['slug']}",
                              json={"zoom_meeting_id": None}, headers=auth)
    assert resp.status == 200 and (await resp.json())["zoom_meeting_id"] is None
    resp = await client.patch(f"/api/v1/events/{event['slug']}",
                              json={"zoom_meeting_id": "12ab"}, headers=auth)
    assert resp.status == 422 and "zoom_meeting_id" in (await resp.json())["errors"]
