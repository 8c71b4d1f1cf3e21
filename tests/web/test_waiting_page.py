"""The waiting page before the doors open: no self-refresh, a try-again link and the time
left, rendered by the server."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import EVENT_START, create_event, db_rows, person, submit_form


async def _join_path(client) -> str:
    await create_event(client)
    await submit_form(client, "foro-digital", person(1))
    row = db_rows(client, "SELECT join_token FROM registrations")[0]
    return f"/j/{row['join_token']}"


async def test_the_waiting_page_counts_down_without_refreshing(client, clock):
    join = await _join_path(client)
    html = await (await client.get(f"{join}?lang=en")).text()
    assert 'http-equiv="refresh"' not in html.lower()
    assert f'href="{join}"' in html and "Try again" in html
    assert "The doors open in 2 d 23 h 45 min." in html
    assert '<time datetime="2026-12-04T11:45:00+00:00"' in html
    clock.set(EVENT_START - timedelta(minutes=20))
    html = await (await client.get(f"{join}?lang=es")).text()
    assert "Las puertas abren en 5 min." in html
    clock.set(EVENT_START - timedelta(minutes=15, seconds=30))
    html = await (await client.get(f"{join}?lang=en")).text()
    assert "The doors open in 1 min." in html  # rounded up: never "0 min"
