"""The invite's VTIMEZONE is computed once per zone, not once per mail (icalendar walks
every hour from 1970 to 2038 to find a zone's transitions: ~50 ms, most of the cost of a
confirmation), and the invite is byte for byte what icalendar's own
`add_missing_timezones` gives, in every zone and with no zone at all (UTC)."""

from __future__ import annotations

import icalendar
from icalendar import Calendar

from tests.conftest import NOW
from tests.factories import a_registration, an_event, replace
from webinar.mail import calendar


def _invite(event, n: int = 1) -> bytes:
    return calendar.invite(event, replace(a_registration(), id=n), join_link="https://x/j/1",
                           manage_link="https://x/r/1", now=NOW, domain="example.org")


def test_one_vtimezone_per_zone_for_many_invites(monkeypatch):
    calls: list[str] = []
    original = icalendar.Timezone.from_tzid

    def counting(tzid, *args, **kwargs):
        calls.append(tzid)
        return original(tzid, *args, **kwargs)

    monkeypatch.setattr(icalendar.Timezone, "from_tzid", staticmethod(counting))
    event = an_event(timezone="America/Lima")
    first = _invite(event)
    for n in range(2, 21):
        assert _invite(event, n).replace(b"-%d-" % n, b"-1-") == first
    assert calls.count("America/Lima") <= 1


def test_invite_is_what_icalendar_builds():
    for zone in ("America/Guatemala", "Europe/Madrid", "America/Santiago", "UTC"):
        for cancelled in (False, True):
            event = an_event(timezone=zone, title="Año: ñandú\nBEGIN:VEVENT",
                             description="Línea\r\nBEGIN:VEVENT\r\nfin")
            args = dict(join_link="https://x/j/1", manage_link="https://x/r/1", now=NOW,
                        domain="example.org", cancelled=cancelled)
            ours = calendar.invite(event, a_registration(), **args)
            # icalendar's own, no cache
            cal = calendar.calendar(event, a_registration(), **args)
            cal.add_missing_timezones()
            assert ours == cal.to_ical(), zone
            tzids = [str(tz["TZID"]) for tz in Calendar.from_ical(ours).walk("VTIMEZONE")]
            assert tzids == ([] if zone == "UTC" else [zone])
