"""The .ics invite: valid RFC 5545, in the event's zone, stable UID, SEQUENCE."""

from icalendar import Calendar

from tests.conftest import create_event, person, register_api


async def test_invite_is_valid_and_in_the_events_zone(client):
    event = await create_event(client)
    reg = await (await register_api(client, event["slug"], person(1))).json()
    token = reg["manage_link"].rsplit("/", 1)[1]
    resp = await client.get(f"/r/{token}/calendar.ics")
    assert resp.status == 200
    assert resp.headers["Content-Type"].startswith("text/calendar")
    body = await resp.read()
    assert b"\r\n" in body  # RFC 5545 line endings
    cal = Calendar.from_ical(body)
    [vevent] = cal.walk("VEVENT")
    [vtz] = cal.walk("VTIMEZONE")
    assert str(vtz["TZID"]) == "America/Guatemala"
    start = vevent.decoded("DTSTART")
    assert str(start.tzinfo) == "America/Guatemala" and start.hour == 6
    assert vevent["DTSTART"].params["TZID"] == "America/Guatemala"
    assert int(vevent["SEQUENCE"]) == 0
    assert reg["join_link"] in str(vevent["DESCRIPTION"])
    assert str(vevent["SUMMARY"]) == "Foro: Gobierno digital"
    uid = str(vevent["UID"])
    again = Calendar.from_ical(await (await client.get(f"/r/{token}/calendar.ics")).read())
    assert str(again.walk("VEVENT")[0]["UID"]) == uid


async def test_invite_for_unknown_token_is_404(client):
    assert (await client.get("/r/nope/calendar.ics")).status == 404
