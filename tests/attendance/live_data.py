"""A known data set for the live view: an event (tests.conftest's sample, doors open 15
minutes before EVENT_START), five registrants and a walk-in, and the clock set 30 minutes
after the start (`LIVE_NOW`)."""

from __future__ import annotations

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
from webinar.events import service as events_service
from webinar.events.model import Event

SLUG = "foro-digital"
LIVE_NOW = EVENT_START + timedelta(minutes=30)
SECTORS = {1: "academic", 2: "academic", 3: "public", 4: "private", 5: "academic"}


async def event_of(client) -> Event:
    return await events_service.get(resources_of(client).store, SLUG)


async def live_data_set(client, clock) -> tuple[str, dict[int, dict]]:
    """(organizer token, {n: registration}) with this state at LIVE_NOW:

    - 1 (academic): in the meeting (open Zoom interval since start+5m);
    - 2 (academic): clicked at the start, was in start+1m..start+10m, left: nobody now;
    - 3 (public): in the meeting (open interval) and clicked too: counted once, as in;
    - 4 (private): only clicked, 5 minutes ago: "clicked recently";
    - 5 (academic): clicked 20 minutes ago (too long ago), and an open interval that
      started an hour before the doors opened (outside the window): nowhere;
    - a walk-in with an open interval (no registration), its name holding markup.
    Nobody from the cooperation sector.
    """
    token = await organizer_token(client)
    await create_event(client, token)
    regs = {}
    for n, sector in SECTORS.items():
        resp = await register_api(client, SLUG, person(n, sector=sector))
        assert resp.status == 201, await resp.text()
        regs[n] = await resp.json()
    store = resources_of(client).store
    event = await event_of(client)

    async def click(n: int, minutes: float) -> None:
        at = EVENT_START + timedelta(minutes=minutes)
        reg = await _registration(client, regs[n]["id"])
        assert await attendance.record_join(store, at, event, reg)

    async def presence(key: str, start: float, end: float | None = None, n: int | None = None,
                       **kw) -> None:
        assert await attendance.record_presence(
            store, EVENT_START + timedelta(minutes=start), event, key=key,
            source="zoom_webhook", started_at=EVENT_START + timedelta(minutes=start),
            ended_at=None if end is None else EVENT_START + timedelta(minutes=end),
            registration_id=None if n is None else regs[n]["id"], **kw)

    await presence("zoom_webhook:1", 5, n=1)
    await click(2, 0)
    await presence("zoom_webhook:2", 1, 10, n=2)
    await presence("zoom_webhook:3", 2, n=3)
    await click(3, 3)
    await click(4, 25)
    await click(5, 10)
    await presence("zoom_webhook:5-early", -75, n=5)
    await presence("zoom_webhook:walk-in", 7, email="visitor@example.net",
                   name="<b>Visita</b>")
    clock.set(LIVE_NOW)
    return token, regs


async def _registration(client, registration_id: int):
    from webinar.registrations.model import Registration

    row = await resources_of(client).store.registrations.by_id(registration_id)
    return Registration.from_row(row)
