"""New vs returning attendees on a known stored data set: an attendee is returning when
the same address (confirmed) attended, by the attendance rule and that event's own
window, an earlier published event sharing a manager with this one (its creator or one of
its organizer_emails); an event of another organizer, a later event, presence outside the
earlier window, or an earlier registration without attendance do not count."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from openpyxl import load_workbook

from tests.conftest import (
    NOW,
    create_event,
    organizer_token,
    person,
    register_api,
    resources_of,
)
from webinar.attendance import service as attendance
from webinar.events import service as events
from webinar.registrations import service as registrations
from webinar.reports import render_csv, render_xlsx
from webinar.reports.service import build_report

DAY = timedelta(days=1)
# slug: (start, organizer, organizer_emails)
EVENTS = {
    "primero": (NOW + DAY, "a", ["org@example.org"]),
    "de-otro": (NOW + DAY + timedelta(hours=3), "b", ["b@example.org"]),
    "compartido": (NOW + 2 * DAY, "b", ["b@example.org", "org@example.org"]),
    "este": (NOW + 3 * DAY, "a", ["org@example.org"]),
    "despues": (NOW + 4 * DAY, "a", ["org@example.org"]),
}
# who: {slug: how they were there}; "stay" = 30 minutes inside the window, "click" = a
# join click inside it, "early" = an interval that ended before the doors opened,
# "absent" = registered only.
HISTORY = {
    "ana": {"primero": "stay", "este": "stay"},        # returning
    "bruno": {"primero": "absent", "este": "stay"},    # new: registered, never came
    "carla": {"de-otro": "stay", "este": "click"},     # new: another organizer's event
    "diego": {"compartido": "click", "este": "stay"},  # returning: a co-managed event
    "fede": {"primero": "stay", "este": "absent"},     # not an attendee of this one
    "gina": {"primero": "early", "este": "stay"},      # new: outside the earlier window
    "hugo": {"despues": "stay", "este": "stay"},       # new: the other event is later
}


async def build(client, clock):
    res = resources_of(client)
    tokens = {"a": await organizer_token(client, "org@example.org"),
              "b": await organizer_token(client, "b@example.org")}
    stored = {}
    for slug, (start, who, emails) in EVENTS.items():
        await create_event(client, tokens[who], slug=slug, starts_at=start.isoformat(),
                           ends_at=(start + timedelta(hours=2)).isoformat(),
                           organizer_emails=emails)
        stored[slug] = await events.get(res.store, slug)
    for n, (name, visits) in enumerate(HISTORY.items(), 1):
        for slug, how in visits.items():
            # The address in other capitals at each event: the identity is lower-cased.
            email = f"{name}@example.org" if n % 2 else f"{name.upper()}@Example.org"
            resp = await register_api(client, slug, person(n, name=name, email=email))
            assert resp.status == 201, await resp.text()
            answer = await resp.json()
            event = stored[slug]
            if how == "stay":
                assert await attendance.record_presence(
                    res.store, NOW, event, key=f"checkin:{slug}:{name}", source="checkin",
                    started_at=event.starts_at,
                    ended_at=event.starts_at + timedelta(minutes=30),
                    registration_id=answer["id"], email=email)
            elif how == "early":
                doors = event.starts_at - timedelta(minutes=event.doors_open_minutes)
                assert await attendance.record_presence(
                    res.store, NOW, event, key=f"checkin:{slug}:{name}", source="checkin",
                    started_at=doors - timedelta(hours=1), ended_at=doors,
                    registration_id=answer["id"], email=email)
            elif how == "click":
                reg = await registrations.get_by_token(
                    res.store, answer["manage_link"].rsplit("/r/", 1)[1])
                assert await attendance.record_join(
                    res.store, event.starts_at + timedelta(minutes=1), event, reg)
    clock.set(NOW + 5 * DAY)
    return res, stored, tokens


async def test_new_and_returning_attendees(client, clock):
    res, stored, tokens = await build(client, clock)
    report = await build_report(res.store, stored["este"], res.now())
    assert report.attended == 6  # everyone but fede
    assert (report.new_attendees, report.returning_attendees) == (4, 2)  # ana and diego
    resp = await client.get("/api/v1/events/este/report",
                            headers={"Authorization": f"Bearer {tokens['a']}"})
    assert (await resp.json())["new_vs_returning"] == {"new": 4, "returning": 2}
    # The first event has no earlier one: all its attendees are new.
    first = await build_report(res.store, stored["primero"], res.now())
    assert (first.attended, first.new_attendees, first.returning_attendees) == (2, 2, 0)
    # The later event: hugo comes back there (he attended "este").
    later = await build_report(res.store, stored["despues"], res.now())
    assert (later.new_attendees, later.returning_attendees) == (0, 1)


async def test_new_and_returning_in_the_csv_and_xlsx(client, clock):
    res, stored, _tokens = await build(client, clock)
    report = await build_report(res.store, stored["este"], res.now())
    rows = list(csv.reader(io.StringIO(render_csv(report, "en"))))
    start = rows.index(["New and returning participants"])
    assert rows[start + 1:start + 5] == [
        ["Participants", "Attended"], ["New (first event of these organizers)", "4"],
        ["Returning (attended an earlier event of these organizers)", "2"], ["Total", "6"]]
    book = load_workbook(io.BytesIO(render_xlsx(report, "es")))
    sheet = book["Asistentes nuevos y recurrentes"]
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [4, 2, 6]
