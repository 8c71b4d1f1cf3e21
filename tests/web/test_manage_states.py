"""The manage and join pages say one consistent thing: a cancelled event offers no join,
calendar or cancel and says so once; after the end the manage page offers the recording."""

from __future__ import annotations

from tests.conftest import EVENT_START, create_event, organizer_token, person, submit_form


async def _registered(client, **overrides) -> tuple[str, str, str]:
    token = await organizer_token(client)
    event = await create_event(client, token, **overrides)
    resp = await submit_form(client, event["slug"], person(1))
    manage = resp.headers["Location"].split("?")[0]
    html = await (await client.get(manage)).text()
    join = html.split('href="http://testserver/j/')[1].split('"')[0]
    return token, manage, f"/j/{join}"


async def _cancel_event(client, token: str) -> None:
    resp = await client.patch("/api/v1/events/foro-digital", json={"status": "cancelled"},
                              headers={"Authorization": f"Bearer {token}"})
    assert resp.status == 200, await resp.text()


async def test_manage_page_of_a_cancelled_event_offers_nothing_to_do(client):
    token, manage, _join = await _registered(client)
    await _cancel_event(client, token)
    html = await (await client.get(f"{manage}?lang=en")).text()
    assert html.count("This event has been cancelled.") == 1
    assert "confirmed" not in html
    assert "/j/" not in html and "calendar.ics" not in html
    assert f"{manage}/cancel" not in html


async def test_join_page_of_a_cancelled_event_says_it_once(client):
    token, _manage, join = await _registered(client)
    await _cancel_event(client, token)
    html = await (await client.get(f"{join}?lang=en")).text()
    assert html.count("This event has been cancelled.") == 1


async def test_after_the_end_the_manage_page_offers_the_recording(client, clock):
    _token, manage, _join = await _registered(
        client, recording_url="https://video.example.org/foro")
    clock.set(EVENT_START.replace(hour=20))
    html = await (await client.get(f"{manage}?lang=en")).text()
    assert 'href="https://video.example.org/foro"' in html
    assert "Watch the recording" in html
    assert "/j/" not in html and "Join the event" not in html
    assert "This event has ended." in html


async def test_after_the_end_without_a_recording_no_join_button(client, clock):
    _token, manage, _join = await _registered(client)
    clock.set(EVENT_START.replace(hour=20))
    html = await (await client.get(f"{manage}?lang=en")).text()
    assert "Join the event" not in html and "/j/" not in html
