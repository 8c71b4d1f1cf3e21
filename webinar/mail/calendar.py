"""The .ics invite (RFC 5545): one VEVENT in the event's own time zone, with its VTIMEZONE.

The UID is stable per registration and SEQUENCE follows the event's sequence, so a
calendar updates the existing entry when the organizer moves the event.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Alarm, Calendar, vCalAddress, vText
from icalendar import Event as VEvent

from webinar.events.model import Event
from webinar.registrations.model import Registration


def invite(event: Event, registration: Registration, *, join_link: str, manage_link: str,
           now: datetime, domain: str, cancelled: bool = False,
           organizer_name: str | None = None, organizer_email: str | None = None) -> bytes:
    """The invite. ORGANIZER is `organizer_email` (else the event's first organizer) with
    `organizer_name` as its CN (else the event's title)."""
    cal = Calendar()
    cal.add("prodid", "-//webinar//registration//ES")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "CANCEL" if cancelled else "PUBLISH")

    item = VEvent()
    item.add("uid", f"registration-{registration.id}-{event.id}@{domain}")
    item.add("dtstamp", now)
    item.add("sequence", event.sequence)
    item.add("summary", event.title)
    lines = [event.description.strip()] if event.description.strip() else []
    lines += [join_link, "", manage_link]
    item.add("description", "\n".join(lines))
    item.add("dtstart", event.starts_at.astimezone(event.zone))
    item.add("dtend", event.ends_at.astimezone(event.zone))
    item.add("location", join_link)
    item.add("url", join_link)
    item.add("status", "CANCELLED" if cancelled or event.status == "cancelled" else "CONFIRMED")
    address = organizer_email or (event.organizer_emails[0] if event.organizer_emails else None)
    if address:
        organizer = vCalAddress(f"mailto:{address}")
        organizer.params["cn"] = vText((organizer_name or event.title)[:100])
        item.add("organizer", organizer)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", event.title)
    alarm.add("trigger", timedelta(minutes=-15))
    item.add_component(alarm)
    cal.add_component(item)
    cal.add_missing_timezones()
    return cal.to_ical()
