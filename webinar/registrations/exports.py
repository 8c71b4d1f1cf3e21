"""The registrants table's filtered set as CSV and XLSX, in the organizer's language and
the event's time zone.

Every text cell that a spreadsheet could read as a formula (starting with =, +, -, @, a
tab or a carriage return, also after leading spaces) gets a leading single quote: a
registrant named "=HYPERLINK(...)" stays text in Excel and LibreOffice.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from datetime import datetime

from webinar.attendance.snapshots import AttendanceSnapshots
from webinar.clock import to_db
from webinar.events.model import Event
from webinar.i18n import N_, translations
from webinar.registrations import listing
from webinar.registrations.listing import Registrant, RegistrantsQuery
from webinar.store.interface import Store

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HEADERS = (N_("Name"), N_("Email"), N_("Organization"), N_("Position"), N_("Sector"),
           N_("Country"), N_("Language"), N_("Status"), N_("Registered"), N_("Attended"),
           N_("Minutes"))
CHUNK = 1000


def neutralise(value: object) -> object:
    """Text that a spreadsheet would take for a formula, made plain text with a quote."""
    if isinstance(value, str) and (value.startswith(FORMULA_START)
                                   or value.lstrip(" ").startswith(FORMULA_START)):
        return "'" + value
    return value


async def _people(store: Store, snapshots: AttendanceSnapshots, event: Event,
                  query: RegistrantsQuery, now: datetime) -> list[Registrant]:
    ids, seen = await listing.matching_ids(store, snapshots, event, query, now)
    if seen is None:
        seen = (await snapshots.of(store, event, now)).attendance
    out: list[Registrant] = []
    for start in range(0, len(ids), CHUNK):
        out += await listing.registrants(store, event, ids[start:start + CHUNK], now, seen)
    return out


def _rows(event: Event, people: Iterable[Registrant], lang: str) -> Iterable[list[object]]:
    _ = translations(lang).gettext
    zone = event.zone
    yield [_(h) for h in HEADERS]
    for p in people:
        r = p.registration
        yield [neutralise(v) for v in (
            r.name, r.email, r.organization, r.position, event.sector_label(r.sector, lang),
            r.country, r.language, _(listing.STATUS_LABELS.get(r.status, r.status)),
            r.created_at.astimezone(zone).isoformat(timespec="minutes"),
            _("yes") if p.attended else _("no"), p.minutes)]


async def to_csv(store: Store, snapshots: AttendanceSnapshots, event: Event,
                 query: RegistrantsQuery, now: datetime, lang: str) -> bytes:
    """UTF-8 with a BOM, so Excel reads the accents."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(_rows(event, await _people(store, snapshots, event, query, now), lang))
    return buffer.getvalue().encode("utf-8-sig")


async def to_xlsx(store: Store, snapshots: AttendanceSnapshots, event: Event,
                  query: RegistrantsQuery, now: datetime, lang: str) -> bytes:
    _ = translations(lang).gettext
    from openpyxl import Workbook  # here, not at start-up: see reports.exports

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Registrants"))
    for row in _rows(event, await _people(store, snapshots, event, query, now), lang):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def filename(event: Event, now: datetime, ext: str,
             stamp: Callable[[datetime], str] = to_db) -> str:
    return f"{event.slug}-registrants-{stamp(now)[:10]}.{ext}"
