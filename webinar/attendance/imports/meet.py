"""Google Meet's attendance report (a Google Sheet downloaded as CSV).

`First name,Last name,Email,Duration,Time joined,Time exited`: one row per person, first
join to last exit, Duration as text (`1 hr 2 min`, `45 sec`). Times are clock times
without a date (`9:58\u202fAM`), read on the event's local date in the given zone; an exit
earlier than the join is on the next day. The report collapses rejoins, so the interval
can be longer than Duration.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from webinar.attendance.imports import model
from webinar.attendance.imports.model import NotAnExport, ParseResult, PresenceRow
from webinar.attendance.imports.text import Columns, records
from webinar.attendance.imports.times import MDY, date_order, parse_clock, parse_duration
from webinar.attendance.imports.times import parse_timestamp as parse_full

COLUMNS = {
    "first": ("first name", "nombre"),
    "last": ("last name", "apellido", "apellidos"),
    "email": ("email", "correo electronico"),
    "duration": ("duration", "duracion"),
    "join": ("time joined", "hora de entrada", "hora de union"),
    "leave": ("time exited", "hora de salida"),
}


def parse(text: str, *, delimiter: str, tz: ZoneInfo, local_date: date) -> ParseResult:
    result = ParseResult(model.MEET)
    recs = [r for r in records(text, delimiter) if not r.blank]
    header_at = next((i for i, r in enumerate(recs)
                      if any(j in r.keys for j in COLUMNS["join"])), None)
    if header_at is None:
        raise NotAnExport(model.REFUSE_UNKNOWN)
    columns = Columns(recs[header_at].cells, COLUMNS)
    rows = recs[header_at + 1:]
    order = date_order((columns.get(r.cells, n) for r in rows for n in ("join", "leave")),
                       default=MDY)

    def moment(value: str) -> datetime | None:  # a clock time, or a full timestamp
        return (parse_clock(value, local_date=local_date, tz=tz)
                or parse_full(value, order=order, tz=tz))

    for record in rows:
        start = moment(columns.get(record.cells, "join"))
        end = moment(columns.get(record.cells, "leave"))
        if start is None or end is None:
            result.skip(record.line, model.SKIP_UNREADABLE if len(record.cells) < 3
                        else model.SKIP_BAD_TIME)
            continue
        if end < start:
            next_day = parse_clock(columns.get(record.cells, "leave"),
                                   local_date=local_date + timedelta(days=1), tz=tz)
            if next_day is not None:  # past midnight
                end = next_day
            else:
                result.skip(record.line, model.SKIP_LEAVE_BEFORE_JOIN)
                continue
        name = " ".join(p for p in (columns.get(record.cells, "first"),
                                    columns.get(record.cells, "last")) if p)
        email = model.clean_email(columns.get(record.cells, "email"))
        result.rows.append(PresenceRow(
            line=record.line, email=None if email and "*" in email else email,
            name=name, start=start, end=end,
            duration=parse_duration(columns.get(record.cells, "duration"))))
    return result
