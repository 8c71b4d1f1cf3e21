"""The public open-data URLs on the real stack: 404 until the event has ended, 404 when
the organizer did not switch open data on; after the end, JSON and CSV with the small
cells suppressed (and their complementary cells), the licence, and nobody's details."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from tests.conftest import (
    EVENT_START,
    create_event,
    organizer_token,
    person,
    register_api,
    resources_of,
)
from webinar.attendance import service as attendance
from webinar.events import service as events
from webinar.registrations import service as registrations

SLUG = "foro-abierto"
# country: (registered, attended)
COUNTRIES = {"GT": (7, 6), "SV": (6, 5), "HN": (2, 0)}


async def open_event(client, clock, open_data: bool = True) -> None:
    token = await organizer_token(client)
    await create_event(client, token, slug=SLUG, open_data=open_data)
    res = resources_of(client)
    event = await events.get(res.store, SLUG)
    n = 0
    came = []
    for country, (registered, attended) in COUNTRIES.items():
        for i in range(registered):
            n += 1
            resp = await register_api(client, SLUG, person(n, country=country,
                                                           name=f"Secreta Persona {n}"))
            assert resp.status == 201, await resp.text()
            if i < attended:
                came.append((await resp.json())["manage_link"].rsplit("/r/", 1)[1])
    clock.set(EVENT_START + timedelta(minutes=5))
    for token in came:
        reg = await registrations.get_by_token(res.store, token)
        assert await attendance.record_join(res.store, res.now(), event, reg)


async def test_open_data_after_the_end_with_suppression(client, clock):
    await open_event(client, clock)
    assert (await client.get(f"/open-data/{SLUG}.json")).status == 404  # not ended
    assert (await client.get(f"/open-data/{SLUG}.csv")).status == 404
    clock.set(EVENT_START + timedelta(hours=3))
    resp = await client.get(f"/open-data/{SLUG}.json")
    assert resp.status == 200
    data = await resp.json()
    countries = {row["country"]: row for row in data["by_country"]["rows"]}
    # HN's 2 registered is under 5; SV's 6 (the smallest other) is hidden with it, or
    # 15 - 7 - 6 would give HN away.
    assert {c: (r["registered"], r["attended"]) for c, r in countries.items()} == {
        "GT": (7, 6), "SV": (None, None), "HN": (None, None)}
    assert data["by_country"]["total"] == {"registered": 15, "attended": 11}
    sectors = {row["sector"]: row for row in data["by_sector"]["rows"]}
    assert sectors["academic"]["registered"] == 15 and sectors["academic"]["attended"] == 11
    assert sectors["public"]["registered"] is None  # zero, under 5
    assert data["licence"]["name"] == "CC BY 4.0"
    assert data["event"]["title"] == "Foro: Gobierno digital"
    assert data["event"]["date"] == "2026-12-04"
    body = await resp.text()
    assert "Secreta" not in body and "example.org" not in body
    resp = await client.get(f"/open-data/{SLUG}.csv?lang=en")
    assert resp.status == 200 and resp.content_type == "text/csv"
    rows = list(csv.reader(io.StringIO((await resp.read()).decode("utf-8-sig"))))
    assert ["SV", "El Salvador", "*", "*"] in rows
    assert ["HN", "Honduras", "*", "*"] in rows
    assert any(row[:1] == ["Licence"] and "CC BY 4.0" in row[1] for row in rows)


async def test_no_open_data_when_switched_off_or_unknown(client, clock):
    await open_event(client, clock, open_data=False)
    clock.set(EVENT_START + timedelta(hours=3))
    assert (await client.get(f"/open-data/{SLUG}.json")).status == 404
    assert (await client.get(f"/open-data/{SLUG}.csv")).status == 404
    assert (await client.get("/open-data/nothing-here.json")).status == 404
