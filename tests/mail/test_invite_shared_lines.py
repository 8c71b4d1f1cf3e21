"""The invite writes the lines every person of an event shares once per process and only
the person's own per mail (webinar.mail.calendar.invite): whatever the event, the person
and the order invites are written in, the bytes are what icalendar writes for the whole
calendar, and a change to the event (title, time, zone, organizer, status) shows in the
next invite."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from icalendar import Calendar

from tests.conftest import NOW
from tests.factories import a_registration, an_event, replace
from webinar.mail import calendar

TITLES = [
    "Gobierno digital",
    'Año: ñandú, foro; "digital" \\ datos',
    "Un título largo que pasa de los setenta y cinco octetos de una línea: ñññññ ñññññ",
]
DESCRIPTIONS = ["", "Línea\r\nBEGIN:VEVENT\r\nfin; con, comas", "á" * 120]


def _reference(event, reg, **args) -> bytes:
    """icalendar's own: the whole calendar, its zones added by icalendar, no cache."""
    cal = calendar.calendar(event, reg, **args)
    cal.add_missing_timezones()
    return cal.to_ical()


def _cases():
    base = an_event()
    # One instant in several zones: equal datetimes, different invites.
    for zone in ("America/Guatemala", "Europe/Madrid", "UTC", "America/Guatemala"):
        yield replace(base, timezone=zone), {}
    for n, (title, description, organizers, cancelled) in enumerate(itertools.product(
            TITLES, DESCRIPTIONS, (["org@example.org"], []), (False, True))):
        event = replace(base, title=title, description=description,
                        organizer_emails=organizers,
                        status="cancelled" if n % 5 == 0 else "published")
        yield event, {"cancelled": cancelled, "language": "en" if n % 2 else "es"}
    moved = replace(base, starts_at=base.starts_at + timedelta(days=1),
                    ends_at=base.ends_at + timedelta(days=1), sequence=base.sequence + 1)
    yield moved, {}
    yield base, {"organizer_name": 'Equipo "Foros": UNAM', "organizer_email": "x@example.org"}
    yield base, {"organizer_name": "Otro equipo", "organizer_email": "x@example.org"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    calendar._shared_lines.cache_clear()
    yield
    calendar._shared_lines.cache_clear()


def test_every_invite_is_what_icalendar_writes_for_the_whole_calendar():
    checked = 0
    for n, (event, options) in enumerate(_cases(), start=1):
        options = dict(options)
        reg = replace(a_registration(), id=n, language=options.pop("language", "es"),
                      reactivations=n % 3)
        args = dict(join_link=f"https://x/j/{n}", manage_link=f"https://x/r/{n}",
                    now=NOW + timedelta(seconds=n), domain="example.org", **options)
        ours = calendar.invite(event, reg, **args)
        assert ours == _reference(event, reg, **args), (n, event.title, options)
        # Written again from the cache, for another person of the same event.
        other = replace(reg, id=n + 10_000)
        assert calendar.invite(event, other, **args) == _reference(event, other, **args)
        checked += 1
    assert checked > 40
    assert calendar._shared_lines.cache_info().hits >= checked


def test_an_edited_event_shows_in_the_next_invite():
    event = an_event(title="Antes")
    args = dict(join_link="https://x/j/1", manage_link="https://x/r/1", now=NOW,
                domain="example.org")
    calendar.invite(event, a_registration(), **args)
    edited = replace(event, title="Después", timezone="America/Lima")
    text = calendar.invite(edited, a_registration(), **args).decode()
    [item] = Calendar.from_ical(text).walk("VEVENT")
    assert str(item["SUMMARY"]) == "Después"
    assert "Antes" not in text
    assert item["DTSTART"].params["TZID"] == "America/Lima"
