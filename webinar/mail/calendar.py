"""The .ics invite (RFC 5545): one VEVENT in the event's own time zone, with its VTIMEZONE.

The UID is stable per registration and SEQUENCE rises with every change a calendar
must apply (RFC 5546: an invite whose SEQUENCE is not above the one held for its UID is
ignored): the event's sequence (raised when it moves), plus two for each time the
registration was taken up again after a cancellation, plus one on the cancellation itself.
So cancel -> register again -> moved -> cancel ... each outranks the one before, and
registering again brings the cancelled entry back (see `sequence`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Timezone, vCalAddress, vText
from icalendar import Event as VEvent

from webinar.events.model import Event
from webinar.i18n import translations
from webinar.registrations.model import Registration


def invite(event: Event, registration: Registration, *, join_link: str, manage_link: str,
           now: datetime, domain: str, cancelled: bool = False,
           organizer_name: str | None = None, organizer_email: str | None = None) -> bytes:
    """The invite. ORGANIZER is `organizer_email` (else the event's first organizer) with
    `organizer_name` as its CN (else the event's title). A cancelled one (METHOD:CANCEL)
    keeps the UID and raises SEQUENCE past the invites', so calendars drop the entry.

    Byte for byte `calendar(...)` with its VTIMEZONE as icalendar writes it, but only the
    person's own lines are written per mail: the rest (the calendar's head, the zone, the
    event's title, times, organizer and status, the alarm) is the same for everyone of an
    event and is written once per process (`_shared_lines`). Writing the whole calendar
    with icalendar was a third of the scheduler's time in a registration rush."""
    head, middle, tail = _shared_lines(_shared(event, cancelled, organizer_name,
                                               organizer_email))
    own = VEvent()
    for name, value in _personal(event, registration, join_link=join_link,
                                 manage_link=manage_link, now=now, domain=domain,
                                 cancelled=cancelled):
        own.add(name, value)
    # In icalendar's order (Event.canonical_order, then by name): DTSTAMP UID SEQUENCE
    # DESCRIPTION LOCATION come between DTEND and ORGANIZER, URL between STATUS and VALARM.
    first = b"".join(_line(own, name) for name in _PERSONAL_BEFORE_ORGANIZER)
    return head + first + middle + _line(own, "URL") + tail


def calendar(event: Event, registration: Registration, *, join_link: str, manage_link: str,
             now: datetime, domain: str, cancelled: bool = False,
             organizer_name: str | None = None, organizer_email: str | None = None
             ) -> Calendar:
    """The invite's calendar without its VTIMEZONE (see `invite`), as icalendar objects."""
    cal = _calendar(_shared(event, cancelled, organizer_name, organizer_email))
    [item] = cal.walk("VEVENT")
    for name, value in _personal(event, registration, join_link=join_link,
                                 manage_link=manage_link, now=now, domain=domain,
                                 cancelled=cancelled):
        item.add(name, value)
    return cal


_PERSONAL_BEFORE_ORGANIZER = ("DTSTAMP", "UID", "SEQUENCE", "DESCRIPTION", "LOCATION")


def _personal(event: Event, registration: Registration, *, join_link: str, manage_link: str,
              now: datetime, domain: str, cancelled: bool) -> list[tuple[str, object]]:
    """The VEVENT's properties that differ from one person to the next."""
    _ = translations(registration.language).gettext
    lines = [event.description.strip()] if event.description.strip() else []
    join_label, manage_label = _("Join the event"), _("Manage your registration")
    lines += ["", f"{join_label}: {join_link}", f"{manage_label}: {manage_link}"]
    return [
        ("dtstamp", now),
        ("uid", f"registration-{registration.id}-{event.id}@{domain}"),
        ("sequence", sequence(event, registration, cancelled=cancelled)),
        ("description", "\n".join(lines)),
        ("location", join_link),
        ("url", join_link),
    ]


class _Shared(NamedTuple):
    """What the rest of the invite is made of, the same for every person of the event: the
    key of `_shared_lines`. The zone by its name: two zones' times at one instant are
    equal datetimes."""

    cancelled: bool
    title: str
    timezone: str
    starts_at: datetime
    ends_at: datetime
    status: str
    organizer: tuple[str, str] | None  # address, and the name shown (CN)


def _shared(event: Event, cancelled: bool, organizer_name: str | None,
            organizer_email: str | None) -> _Shared:
    address = organizer_email or (event.organizer_emails[0] if event.organizer_emails else None)
    return _Shared(
        cancelled, event.title, event.timezone, event.starts_at, event.ends_at,
        "CANCELLED" if cancelled or event.status == "cancelled" else "CONFIRMED",
        (address, (organizer_name or event.title)[:100]) if address else None)


def _calendar(shared: _Shared) -> Calendar:
    """The calendar with the VEVENT's shared properties and its alarm, the times in the
    event's zone."""
    zone = ZoneInfo(shared.timezone)
    cal = Calendar()
    cal.add("prodid", "-//webinar//registration//ES")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "CANCEL" if shared.cancelled else "PUBLISH")
    item = VEvent()
    item.add("summary", shared.title)
    item.add("dtstart", shared.starts_at.astimezone(zone))
    item.add("dtend", shared.ends_at.astimezone(zone))
    item.add("status", shared.status)
    if shared.organizer:
        address, name = shared.organizer
        organizer = vCalAddress(f"mailto:{address}")
        organizer.params["cn"] = vText(name)
        item.add("organizer", organizer)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", shared.title)
    alarm.add("trigger", timedelta(minutes=-15))
    item.add_component(alarm)
    cal.add_component(item)
    return cal


@lru_cache(maxsize=256)
def _shared_lines(shared: _Shared) -> tuple[bytes, bytes, bytes]:
    """The shared calendar (`_calendar`) with its VTIMEZONE, written once, in three pieces
    for the person's lines to go between: up to DTEND, ORGANIZER and STATUS, and from
    the alarm on. Each piece starts at a line's start: a line that starts with a
    property's name (not a folded line's space) cannot come from inside a value, whose
    line breaks are escaped."""
    data = _with_timezones(_calendar(shared))
    first = data.index(b"\r\nORGANIZER;" if shared.organizer else b"\r\nSTATUS:") + 2
    alarm = data.index(b"\r\nBEGIN:VALARM\r\n") + 2
    return data[:first], data[first:alarm], data[alarm:]


def _line(component: VEvent, name: str) -> bytes:
    """One property of `component` as icalendar writes it in the whole (folded, CRLF)."""
    return component.content_line(name, component[name]).to_ical() + b"\r\n"


_FIRST_EVENT = b"\r\nBEGIN:VEVENT\r\n"


def _with_timezones(cal: Calendar) -> bytes:
    """`cal.add_missing_timezones()` then `cal.to_ical()` (a VTIMEZONE, first among the
    components, for each zone the calendar uses, UTC and unknown zones aside), with each
    zone's VTIMEZONE computed and serialized once per process: icalendar finds a zone's
    transitions hour by hour from 1970 to 2038, and writing its forty-odd lines again for
    every invite was most of what was left of a confirmation's cost. The calendar has one
    component, the VEVENT; the zones' bytes go right before it (its BEGIN line is the
    first line that starts so: a text value cannot hold a line break)."""
    blocks = [block for tzid in cal.get_missing_tzids()
              if (block := _timezone_ical(tzid)) is not None]
    data = cal.to_ical()
    if blocks:
        at = data.index(_FIRST_EVENT) + 2
        data = data[:at] + b"".join(blocks) + data[at:]
    return data


def sequence(event: Event, registration: Registration, *, cancelled: bool) -> int:
    """The invite's SEQUENCE. The UID stays the registration's across cancelling and
    registering again (rather than a new UID per activation): every invite then updates
    the one entry, so the person never ends up with two for one event (say, when a
    cancellation is skipped or lost), and RFC 5546 revives a cancelled entry by a newer
    revision of it. It only needs the count to outrank the cancellation: a cancellation is
    one above the invites of its activation, and the next activation two above them."""
    return event.sequence + 2 * registration.reactivations + (1 if cancelled else 0)


@lru_cache(maxsize=64)
def _timezone_ical(tzid: str) -> bytes | None:
    """The zone's VTIMEZONE as written, or None for a zone icalendar does not know."""
    try:
        return Timezone.from_tzid(tzid).to_ical()
    except ValueError:
        return None


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _details(event: Event, event_url: str) -> str:
    text = event.description.strip()
    return f"{text}\n\n{event_url}" if text else event_url


def google_link(event: Event, event_url: str) -> str:
    """'Add to Google Calendar', from the event alone: no personal token in it."""
    fmt = "%Y%m%dT%H%M%SZ"
    query = urlencode({
        "action": "TEMPLATE", "text": event.title,
        "dates": f"{_utc(event.starts_at):{fmt}}/{_utc(event.ends_at):{fmt}}",
        "details": _details(event, event_url)[:1000], "location": event_url,
        "ctz": event.timezone,
    })
    return f"https://calendar.google.com/calendar/render?{query}"


def outlook_link(event: Event, event_url: str) -> str:
    """'Add to Outlook' (outlook.live.com; Microsoft 365 accounts follow it too)."""
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    query = urlencode({
        "path": "/calendar/action/compose", "rru": "addevent", "subject": event.title,
        "startdt": f"{_utc(event.starts_at):{fmt}}", "enddt": f"{_utc(event.ends_at):{fmt}}",
        "body": _details(event, event_url)[:1000], "location": event_url,
    })
    return f"https://outlook.live.com/calendar/0/deeplink/compose?{query}"
