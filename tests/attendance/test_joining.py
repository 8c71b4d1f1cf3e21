"""The personal join link at each moment: waiting page, entry, end, and who may enter."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import (
    EVENT_START,
    create_event,
    organizer_token,
    person,
    register_api,
)


async def join_path(client, slug: str, n: int = 1) -> str:
    reg = await (await register_api(client, slug, person(n))).json()
    return "/j/" + reg["join_link"].rsplit("/", 1)[1]


async def test_waiting_page_before_the_doors_open(client, clock):
    event = await create_event(client)
    path = await join_path(client, event["slug"])
    clock.set(EVENT_START - timedelta(minutes=16))  # doors open 15 minutes before
    resp = await client.get(path, allow_redirects=False)
    assert resp.status == 200
    html = await resp.text()
    assert "http-equiv" not in html  # no timed refresh: a "try again" link instead
    assert f'href="{path}"' in html
    assert "06:00" in html and "UTC\u221206:00" in html
    assert resp.headers["Cache-Control"] == "no-store"


async def test_enters_the_platform_once_the_doors_open(client, clock):
    event = await create_event(client)
    path = await join_path(client, event["slug"])
    clock.set(EVENT_START - timedelta(minutes=15))
    resp = await client.get(path, allow_redirects=False)
    assert resp.status == 303
    assert resp.headers["Location"] == "https://zoom.example.org/j/123"
    clock.set(EVENT_START + timedelta(hours=1))  # latecomers too
    assert (await client.get(path, allow_redirects=False)).status == 303


async def test_after_the_end_the_recording(client, clock):
    event = await create_event(client, recording_url="https://youtube.example.org/v/1")
    path = await join_path(client, event["slug"])
    clock.set(EVENT_START + timedelta(hours=2))
    resp = await client.get(path, allow_redirects=False)
    assert resp.status == 200
    assert 'href="https://youtube.example.org/v/1"' in await resp.text()


async def test_no_link_yet_is_said_plainly(client, clock):
    event = await create_event(client, join_url=None)
    path = await join_path(client, event["slug"])
    clock.set(EVENT_START)
    resp = await client.get(path, allow_redirects=False)
    assert resp.status == 200
    html = await resp.text()
    assert "http-equiv" not in html and f'href="{path}"' in html and "todavía no" in html


async def test_waitlisted_and_cancelled_people_do_not_enter(client, clock):
    token = await organizer_token(client)
    event = await create_event(client, token, capacity=1)
    await join_path(client, event["slug"], 1)
    waiting = await join_path(client, event["slug"], 2)
    clock.set(EVENT_START)
    resp = await client.get(waiting, allow_redirects=False)
    assert resp.status == 200 and "lista de espera" in (await resp.text()).lower()
    await client.patch(f"/api/v1/events/{event['slug']}", json={"status": "cancelled"},
                       headers={"Authorization": f"Bearer {token}"})
    resp = await client.get(waiting, allow_redirects=False)
    assert resp.status == 200 and "cancelado" in (await resp.text()).lower()


async def test_unknown_token_is_404(client):
    assert (await client.get("/j/not-a-token")).status == 404
