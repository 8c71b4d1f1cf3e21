"""Zoom's attendance exports.

* The meeting *participants* report, one row per join session: the current headers
  (`Name (original name),Email,Join time,...`), the legacy ones (`Name (Original
  Name),User Email,Join Time,...`), in English or Spanish (`Nombre (nombre
  original),Correo electrónico,Hora de entrada,...` / `...,E-mail del usuario,Hora para
  unirse,...`), with or without the meeting summary block above the table. Rows spent in
  the waiting room are not presence. The "unique users" variant has no times and is
  refused.
* The *webinar attendee report*: several tables in one file (Host Details, Panelist
  Details, Attendee Details, Other Attended), each after its title line; registrants who
  did not attend are listed with `--` times and are skipped.

Columns are found by name, never by position (registration questions add columns).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from webinar.attendance.imports import model
from webinar.attendance.imports.model import NotAnExport, ParseResult, PresenceRow
from webinar.attendance.imports.text import Columns, Record, key, records
from webinar.attendance.imports.times import DMY, MDY, date_order, parse_minutes, parse_timestamp

NAME = ("name (original name)", "nombre (nombre original)",
        "nombre de usuario (nombre original)", "user name (original name)")
EMAIL = ("email", "user email", "correo electronico", "e-mail del usuario",
         "e-mail de usuario", "e-mail", "correo electronico del usuario")
JOIN = ("join time", "hora de entrada", "hora para unirse")
LEAVE = ("leave time", "hora de salida", "hora para salir")
TOTAL = ("total duration (minutes)", "duracion total (minutos)")
PARTICIPANT_COLUMNS = {
    "name": NAME, "email": EMAIL, "join": JOIN, "leave": LEAVE,
    "duration": ("duration (minutes)", "duracion (minutos)"),
    "waiting": ("in waiting room", "en sala de espera"),
}
YES = {"yes", "y", "si", "true", "1"}

WEBINAR_COLUMNS = {
    "attended": ("attended", "asistio"),
    "name": ("user name (original name)", "user name", "nombre de usuario (nombre original)",
             "nombre de usuario"),
    "first": ("first name", "nombre"),
    "last": ("last name", "apellido", "apellidos"),
    "email": ("email", "correo electronico"),
    "join": (*JOIN, "puesto de trabajo"),  # a Spanish export was seen naming it so
    "leave": LEAVE,
    "duration": ("time in session (minutes)", "tiempo en la sesion (minutos)"),
}
SECTIONS = {
    "host details": model.HOST, "detalles del anfitrion": model.HOST,
    "panelist details": model.PANELIST, "detalles del panelista": model.PANELIST,
    "detalles de panelistas": model.PANELIST,
    "attendee details": model.ATTENDEE, "detalles de asistente": model.ATTENDEE,
    "detalles de asistentes": model.ATTENDEE,
    "other attended": model.OTHER, "otros asistentes": model.OTHER,
}
REPORT_TITLES = {"attendee report", "report generated:", "informe de asistentes",
                 "informe generado:"}


def _is_participant_header(keys: list[str]) -> bool:
    return any(n in keys for n in NAME) and any(j in keys for j in (*JOIN, *TOTAL))


def _spanish(keys: list[str]) -> bool:
    return any(k.startswith(("nombre", "asistio", "hora ")) for k in keys)


def _time_cells(rows: list[Record], columns: Columns, names: tuple[str, ...]) -> list[str]:
    return [columns.get(r.cells, n) for r in rows for n in names]


def _span(result: ParseResult, record: Record, columns: Columns, order: str,
          tz: ZoneInfo) -> tuple[datetime, datetime] | None:
    """The row's join and leave in UTC, or None after recording why it was skipped."""
    raw_join, raw_leave = columns.get(record.cells, "join"), columns.get(record.cells, "leave")
    start = parse_timestamp(raw_join, order=order, tz=tz)
    end = parse_timestamp(raw_leave, order=order, tz=tz)
    if start is None or end is None:
        unreadable = len(record.cells) < 3 or not (raw_join or raw_leave)
        result.skip(record.line, model.SKIP_UNREADABLE if unreadable else model.SKIP_BAD_TIME)
        return None
    if end < start:
        result.skip(record.line, model.SKIP_LEAVE_BEFORE_JOIN)
        return None
    return start, end


def parse_participants(text: str, *, delimiter: str, tz: ZoneInfo,
                       local_date: date) -> ParseResult:
    """The meeting participants report (any header generation, English or Spanish)."""
    result = ParseResult(model.ZOOM)
    recs = [r for r in records(text, delimiter) if not r.blank]
    header_at = next((i for i, r in enumerate(recs) if _is_participant_header(r.keys)), None)
    if header_at is None:
        raise NotAnExport(model.REFUSE_UNKNOWN)
    header = recs[header_at]
    if not any(j in header.keys for j in JOIN):
        raise NotAnExport(model.REFUSE_UNIQUE_USERS)
    # The meeting block ("Export with meeting data"): its header, then its data line.
    for record in recs[1:header_at]:
        result.skip(record.line, model.SKIP_SUMMARY)
    columns = Columns(header.cells, PARTICIPANT_COLUMNS)
    rows = [r for r in recs[header_at + 1:] if not _is_participant_header(r.keys)]
    order = date_order(_time_cells(rows, columns, ("join", "leave")),
                       default=DMY if _spanish(header.keys) else MDY)
    for record in rows:
        if key(columns.get(record.cells, "waiting")) in YES:
            result.skip(record.line, model.SKIP_WAITING_ROOM)
            continue
        span = _span(result, record, columns, order, tz)
        if span is None:
            continue
        result.rows.append(PresenceRow(
            line=record.line, email=model.clean_email(columns.get(record.cells, "email")),
            name=columns.get(record.cells, "name"), start=span[0], end=span[1],
            duration=parse_minutes(columns.get(record.cells, "duration"))))
    return result


def _section(record: Record) -> str | None:
    if record.first() in SECTIONS and not any(c.strip() for c in record.cells[1:]):
        return SECTIONS[record.first()]
    return None


def parse_webinar(text: str, *, delimiter: str, tz: ZoneInfo, local_date: date) -> ParseResult:
    """The webinar attendee report: every section's table, rows tagged with the section's
    role (host, panelist, attendee, other = joined without registering)."""
    result = ParseResult(model.ZOOM_WEBINAR)
    tables: list[tuple[str, Columns, list[Record]]] = []
    role: str | None = None
    columns: Columns | None = None
    for record in records(text, delimiter):
        if record.blank:
            continue
        if (section := _section(record)) is not None:
            role, columns = section, None
            tables.append((section, Columns([], {}), []))
        elif role is None:  # the report's title and summary table, above the sections
            if record.first() not in REPORT_TITLES and columns is None:
                columns = Columns(record.cells, {})  # the summary's header
            elif record.first() not in REPORT_TITLES:
                result.skip(record.line, model.SKIP_SUMMARY)
        elif columns is None:
            columns = Columns(record.cells, WEBINAR_COLUMNS)
            tables[-1] = (role, columns, [])
        else:
            tables[-1][2].append(record)
    if not tables:
        raise NotAnExport(model.REFUSE_UNKNOWN)
    order = date_order([c for _, cols, rows in tables
                        for c in _time_cells(rows, cols, ("join", "leave"))], default=MDY)
    for role, columns, rows in tables:
        previous: PresenceRow | None = None
        for record in rows:
            attended = key(columns.get(record.cells, "attended"))
            if attended == "no" or columns.get(record.cells, "join") == "--":
                result.skip(record.line, model.SKIP_DID_NOT_ATTEND)
                continue
            span = _span(result, record, columns, order, tz)
            if span is None:
                continue
            name = columns.get(record.cells, "name") or " ".join(
                p for p in (columns.get(record.cells, "first"),
                            columns.get(record.cells, "last")) if p)
            email = model.clean_email(columns.get(record.cells, "email"))
            if email is None and previous is not None and name in ("", previous.name):
                # a rejoin's extra row: the registration fields are left blank
                email, name = previous.email, previous.name
            row = PresenceRow(line=record.line, email=email, name=name, start=span[0],
                              end=span[1], role=role,
                              duration=parse_minutes(columns.get(record.cells, "duration")))
            result.rows.append(row)
            previous = row
    return result
