"""Microsoft Teams' attendance exports (UTF-16, TAB-separated; decoding is `detect`'s job).

* The attendance report (2021 on): numbered sections `1. Summary`, `2. Participants`
  (one row per person: first join, last leave, total in-meeting time, e-mail, UPN, role),
  `3. In-Meeting Activities` (one row per join session) and sometimes more. Intervals come
  from section 3; section 2 is the fallback when a file has no section 3, and gives the
  UPN and, in webinar reports, the registration e-mail, which section 3 lacks. A row's
  `email` is the registration e-mail, else Email, else the UPN; `alt_email` the next one
  that differs. Header capitalisation varies between versions and locales.
* The legacy attendance list (2020 to mid 2021): `Full Name / User Action / Timestamp`,
  an event log (`Joined`, `Joined before`, `Left`) with no e-mail; a join without a
  following `Left` stays open (the person was there until the end).
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

from webinar.attendance.imports import model
from webinar.attendance.imports.model import NotAnExport, ParseResult, PresenceRow
from webinar.attendance.imports.text import Columns, Record, key, records
from webinar.attendance.imports.times import (
    DMY,
    MDY,
    date_order,
    parse_duration,
    parse_timestamp,
)

SECTION = re.compile(r"^\s*(\d+)\.\s")
NAME = ("name", "nombre", "full name", "nombre completo")
EMAIL = ("email", "correo electronico")
ROLE = ("role", "rol", "funcion")
PARTICIPANTS = {
    "name": NAME, "email": EMAIL, "role": ROLE,
    "join": ("first join", "primera entrada"),
    "leave": ("last leave", "ultima salida"),
    "duration": ("in-meeting duration", "duracion de la reunion", "duracion en la reunion"),
    "upn": ("participant id (upn)", "id. de participante (upn)", "id de participante (upn)"),
    "registration": ("registration email", "correo electronico de registro"),
}
ACTIVITIES = {
    "name": NAME, "email": EMAIL, "role": ROLE,
    "join": ("join time", "hora de entrada", "hora de union", "hora de unirse"),
    "leave": ("leave time", "hora de salida"),
    "duration": ("duration", "duracion", "duracion de la reunion"),
}
LEGACY = {
    "name": NAME,
    "action": ("user action", "accion del usuario", "accion de usuario"),
    "timestamp": ("timestamp", "marca de tiempo", "fecha y hora"),
}
ROLES = {
    "organizer": model.ORGANIZER, "organiser": model.ORGANIZER, "organizador": model.ORGANIZER,
    "presenter": model.PRESENTER, "presentador": model.PRESENTER,
    "attendee": model.ATTENDEE, "asistente": model.ATTENDEE, "participante": model.ATTENDEE,
}
JOINED = {"joined", "joined before", "se unio", "se unio antes", "unido", "unido antes"}
LEFT = {"left", "salio", "abandono"}


def _spanish(header: Record) -> bool:
    return "nombre" in header.keys


def _sections(text: str, delimiter: str) -> dict[int, list[Record]]:
    """The records of each numbered section, title line excluded, blank lines dropped."""
    sections: dict[int, list[Record]] = defaultdict(list)
    number = 0
    for record in records(text, delimiter):
        match = SECTION.match(record.cells[0]) if record.cells else None
        if match and not any(c.strip() for c in record.cells[1:]):
            number = int(match[1])
        elif not record.blank:
            sections[number].append(record)
    return sections


def _times(rows: list[Record], columns: Columns) -> list[str]:
    return [columns.get(r.cells, n) for r in rows for n in ("join", "leave")]


def parse_report(text: str, *, delimiter: str, tz: ZoneInfo, local_date: date) -> ParseResult:
    """The attendance report with numbered sections."""
    result = ParseResult(model.TEAMS)
    sections = _sections(text, delimiter)
    if not sections.get(2):
        raise NotAnExport(model.REFUSE_UNKNOWN)
    people_header, *people = sections[2]
    people_columns = Columns(people_header.cells, PARTICIPANTS)
    # Section 3 lacks the UPN (and a webinar's registration e-mail): take them from
    # section 2, by name and e-mail.
    known: dict[tuple[str, str], tuple[str | None, str | None]] = {}
    for record in people:
        known_email = model.clean_email(people_columns.get(record.cells, "email")) or ""
        known[(people_columns.get(record.cells, "name"), known_email)] = (
            model.clean_email(people_columns.get(record.cells, "registration")),
            model.clean_email(people_columns.get(record.cells, "upn")))
    activities = sections.get(3) or []
    if len(activities) > 1:
        header, *rows = activities
        columns = Columns(header.cells, ACTIVITIES)
    else:
        header, rows, columns = people_header, people, people_columns
    order = date_order(_times(rows, columns) + _times(people, people_columns),
                       default=DMY if _spanish(header) else MDY)
    for record in rows:
        start = parse_timestamp(columns.get(record.cells, "join"), order=order, tz=tz)
        end = parse_timestamp(columns.get(record.cells, "leave"), order=order, tz=tz)
        if start is None or end is None:
            result.skip(record.line, model.SKIP_UNREADABLE if len(record.cells) < 3
                        else model.SKIP_BAD_TIME)
            continue
        if end < start:
            result.skip(record.line, model.SKIP_LEAVE_BEFORE_JOIN)
            continue
        name = columns.get(record.cells, "name")
        email = model.clean_email(columns.get(record.cells, "email"))
        registered, upn = known.get((name, email or ""), (None, None))
        addresses = [a for a in (registered, email, upn) if a]
        primary = addresses[0] if addresses else None
        result.rows.append(PresenceRow(
            line=record.line, email=primary, name=name, start=start, end=end,
            duration=parse_duration(columns.get(record.cells, "duration")),
            role=ROLES.get(key(columns.get(record.cells, "role"))),
            alt_email=next((a for a in addresses if a != primary), None)))
    return result


def parse_legacy(text: str, *, delimiter: str, tz: ZoneInfo, local_date: date) -> ParseResult:
    """The legacy attendance list: join and leave events per display name."""
    result = ParseResult(model.TEAMS_LEGACY)
    recs = [r for r in records(text, delimiter) if not r.blank]
    header_at = next((i for i, r in enumerate(recs)
                      if any(a in r.keys for a in LEGACY["action"])), None)
    if header_at is None:
        raise NotAnExport(model.REFUSE_UNKNOWN)
    columns = Columns(recs[header_at].cells, LEGACY)
    rows = recs[header_at + 1:]
    order = date_order((columns.get(r.cells, "timestamp") for r in rows), default=MDY)
    open_joins: dict[str, list[tuple[int, datetime]]] = defaultdict(list)
    spans: list[PresenceRow] = []
    for record in rows:
        name = columns.get(record.cells, "name").strip('"').strip()
        action = key(columns.get(record.cells, "action"))
        moment = parse_timestamp(columns.get(record.cells, "timestamp"), order=order, tz=tz)
        if not name or not action:
            result.skip(record.line, model.SKIP_UNREADABLE)
        elif moment is None:
            result.skip(record.line, model.SKIP_BAD_TIME)
        elif action in JOINED:
            open_joins[name].append((record.line, moment))
        elif action in LEFT:
            if not open_joins[name]:
                result.skip(record.line, model.SKIP_LEFT_WITHOUT_JOIN)
                continue
            line, start = open_joins[name].pop(0)
            if moment < start:
                result.skip(record.line, model.SKIP_LEAVE_BEFORE_JOIN)
                open_joins[name].insert(0, (line, start))
                continue
            spans.append(PresenceRow(line=line, email=None, name=name, start=start, end=moment))
        else:
            result.skip(record.line, model.SKIP_UNKNOWN_ACTION)
    for name, joins in open_joins.items():
        spans.extend(PresenceRow(line=line, email=None, name=name, start=start, end=None)
                     for line, start in joins)
    result.rows = sorted(spans, key=lambda r: r.line)
    result.skipped.sort(key=lambda s: s.line)
    return result
