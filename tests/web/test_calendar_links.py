"""Beside the .ics: Google Calendar and Outlook links built from the event alone (no
personal token); the .ics description labels its links."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from icalendar import Calendar

from tests.conftest import create_event, person, submit_form


async def _manage(client) -> tuple[str, str]:
    await create_event(client)
    resp = await submit_form(client, "foro-digital", person(1, language="en"), lang="en")
    manage = resp.headers["Location"].split("?")[0]
    return manage, await (await client.get(f"{manage}?lang=en")).text()


def _href(html: str, prefix: str) -> str:
    start = html.index(f'href="{prefix}')
    return html[start + 6:html.index('"', start + 6)].replace("&amp;", "&")


async def test_google_and_outlook_links_carry_the_event_and_no_token(client):
    manage, html = await _manage(client)
    token = manage.split("/r/")[1]
    google = _href(html, "https://calendar.google.com/calendar/render?")
    query = parse_qs(urlsplit(google).query)
    assert query["action"] == ["TEMPLATE"]
    assert query["text"] == ["Foro: Gobierno digital"]
    assert query["dates"] == ["20261204T120000Z/20261204T140000Z"]
    assert "http://testserver/events/foro-digital" in query["details"][0]
    outlook = _href(html, "https://outlook.live.com/calendar/")
    oquery = parse_qs(urlsplit(outlook).query)
    assert oquery["subject"] == ["Foro: Gobierno digital"]
    assert oquery["startdt"] == ["2026-12-04T12:00:00Z"]
    assert oquery["enddt"] == ["2026-12-04T14:00:00Z"]
    for link in (google, outlook):
        assert token not in link and "/r/" not in link and "/j/" not in link
    assert "Google Calendar" in html and "Outlook" in html


async def test_the_ics_description_labels_its_links(client):
    manage, _html = await _manage(client)
    ics = await (await client.get(f"{manage}/calendar.ics")).read()
    description = str(Calendar.from_ical(ics).walk("VEVENT")[0]["DESCRIPTION"])
    lines = description.splitlines()
    join = next(line for line in lines if "/j/" in line)
    assert join.startswith("Join the event: http://testserver/j/")
    assert any(line.startswith("Manage your registration: http://testserver/r/")
               for line in lines)
