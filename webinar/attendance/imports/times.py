"""Timestamps and durations as the platforms write them, read into aware UTC datetimes.

Exports carry no offset: a time is read in the zone the caller gives (the event's, or the
exporting account's). Numeric dates are month-first or day-first depending on the
exporting locale; the order is decided once per file (`date_order`), never per row.
Accepted shapes: `11/24/2026 09:58:12 AM`, `01/06/2023 00:00`, `11/24/26, 9:58:12 AM`,
`14/11/22, 09:29:07`, `Mar 22, 2025 19:13:27`, `Mar 28, 2020 2:20 PM`,
`mar. 18, 2021 19:05:33`, `2025-03-22 19:13:27` (an offset, if present, is honoured),
and clock times alone (`10:30 PM`, `22:30`) for Meet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from webinar.attendance.imports.text import clean

MDY, DMY = "mdy", "dmy"

_AMPM = r"(?P<ampm>[ap])\.?\s?m\.?"
_CLOCK = rf"(?P<h>\d{{1,2}}):(?P<mi>\d{{2}})(?::(?P<s>\d{{2}}))?(?:\s*{_AMPM})?"
NUMERIC = re.compile(
    rf"^(?P<a>\d{{1,2}})[/.-](?P<b>\d{{1,2}})[/.-](?P<y>\d{{4}}|\d{{2}}),?\s+{_CLOCK}$", re.I)
NAMED = re.compile(
    rf"^(?P<mon>[^\W\d_]+)\.?\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}}),?\s+{_CLOCK}$", re.I)
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
CLOCK_ONLY = re.compile(rf"^{_CLOCK}$", re.I)

MONTHS = {
    # English and Spanish, full and abbreviated (Zoom writes `Mar 22, 2025`, `mar. 18, 2021`)
    "jan": 1, "january": 1, "ene": 1, "enero": 1,
    "feb": 2, "february": 2, "febrero": 2,
    "mar": 3, "march": 3, "marzo": 3,
    "apr": 4, "april": 4, "abr": 4, "abril": 4,
    "may": 5, "mayo": 5,
    "jun": 6, "june": 6, "junio": 6,
    "jul": 7, "july": 7, "julio": 7,
    "aug": 8, "august": 8, "ago": 8, "agosto": 8,
    "sep": 9, "sept": 9, "september": 9, "septiembre": 9, "setiembre": 9, "set": 9,
    "oct": 10, "october": 10, "octubre": 10,
    "nov": 11, "november": 11, "noviembre": 11,
    "dec": 12, "december": 12, "dic": 12, "diciembre": 12,
}

DURATION_PART = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)\b", re.I)
UNIT_SECONDS = {"h": 3600, "m": 60, "s": 1}
WHOLE_MINUTES = re.compile(r"^[0-9]{1,6}$")  # ASCII digits (isdigit() takes "²"), < 2 years
MAX_DURATION = timedelta(days=7)


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def date_order(values: Iterable[str], default: str = MDY) -> str:
    """Month-first or day-first for a whole file, from the numeric dates it holds: a first
    number above 12 means day-first, a second one above 12 month-first; otherwise the
    default (which the caller picks from the locale of the headers)."""
    for value in values:
        match = NUMERIC.match(clean(value))
        if match is None:
            continue
        if int(match["a"]) > 12:
            return DMY
        if int(match["b"]) > 12:
            return MDY
    return default


def _clock(match: re.Match[str]) -> time | None:
    hour, minute, second = int(match["h"]), int(match["mi"]), int(match["s"] or 0)
    ampm = (match["ampm"] or "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "p" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


def _utc(day: date, clock: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)


def parse_timestamp(value: str, *, order: str, tz: ZoneInfo) -> datetime | None:
    """A date and time from an export, in UTC; None when it cannot be read."""
    text = clean(value)
    try:
        if match := NUMERIC.match(text):
            first, second, year = int(match["a"]), int(match["b"]), int(match["y"])
            month, day = (first, second) if order == MDY else (second, first)
            when = date(year + 2000 if year < 100 else year, month, day)
        elif match := NAMED.match(text):
            named_month = MONTHS.get(match["mon"].casefold())
            if named_month is None:
                return None
            month = named_month
            when = date(int(match["y"]), month, int(match["d"]))
        elif ISO.match(text):
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=tz)
            return parsed.astimezone(UTC)
        else:
            return None
    except (ValueError, OverflowError):
        return None
    clock = _clock(match)
    try:
        return None if clock is None else _utc(when, clock, tz)
    except OverflowError:  # year 1 or 9999 shifted out of range by the zone
        return None


def parse_clock(value: str, *, local_date: date, tz: ZoneInfo) -> datetime | None:
    """A time of day alone (Meet), on the given local date, in UTC."""
    match = CLOCK_ONLY.match(clean(value))
    if match is None:
        return None
    clock = _clock(match)
    return None if clock is None else _utc(local_date, clock, tz)


def parse_duration(value: str) -> timedelta | None:
    """A written duration: `1h 13m 42s`, `59 min 35 s`, `1 hr 5 min`, `30 sec`."""
    text = clean(value)
    parts = DURATION_PART.findall(text)
    if not parts or DURATION_PART.sub("", text).strip():
        return None
    seconds = sum(float(number.replace(",", ".")) * UNIT_SECONDS[unit[0].lower()]
                  for number, unit in parts)
    if seconds > MAX_DURATION.total_seconds():
        return None  # not a meeting's length; and timedelta() would overflow
    return timedelta(seconds=seconds)


def parse_minutes(value: str) -> timedelta | None:
    """A whole number of minutes (Zoom's duration columns); None for `--` or empty."""
    text = clean(value)
    return timedelta(minutes=int(text)) if WHOLE_MINUTES.match(text) else None
