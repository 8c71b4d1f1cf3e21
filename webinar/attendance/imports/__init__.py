"""Parsers of the platforms' attendance exports (Zoom, Teams, Meet), without a database.

`parse(data, timezone=..., local_date=...)` decodes the upload, detects the layout from
its content, and returns a `ParseResult`: the presence rows (e-mail, name, UTC join and
leave) and the rows it skipped, with a reason. A file that is not an attendance export
raises `NotAnExport`; an unknown zone raises `UnknownTimezone` (both `ImportProblem`,
for a 4xx answer). Matching rows to registrations and storing intervals is the caller's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from webinar.attendance.imports import meet, model, teams, zoom
from webinar.attendance.imports.detect import decode, detect
from webinar.attendance.imports.model import (
    ImportProblem,
    NotAnExport,
    ParseResult,
    PresenceRow,
    Skipped,
    UnknownTimezone,
)

__all__ = ["ImportProblem", "NotAnExport", "ParseResult", "PresenceRow", "Skipped",
           "UnknownTimezone", "decode", "detect", "parse"]

Parser = Callable[..., ParseResult]
PARSERS: dict[str, Parser] = {
    model.ZOOM: zoom.parse_participants,
    model.ZOOM_WEBINAR: zoom.parse_webinar,
    model.TEAMS: teams.parse_report,
    model.TEAMS_LEGACY: teams.parse_legacy,
    model.MEET: meet.parse,
}


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownTimezone(model.REFUSE_UNKNOWN_TIMEZONE, timezone=name) from None


def parse(data: bytes, *, timezone: str, local_date: date,
          source: str | None = None) -> ParseResult:
    """Read an attendance export. `timezone` is the zone of times written without an
    offset (the event's, or the one the organizer names); `local_date` the event's date
    in that zone (Meet writes clock times only). `source` (`zoom`, `teams`, `meet`) is a
    check, not a switch: the layout always comes from the content, and a file of another
    platform is refused."""
    if source is not None and source not in model.PLATFORMS + model.SOURCES:
        raise NotAnExport(model.REFUSE_UNKNOWN_SOURCE, source=source)
    tz = _zone(timezone)
    text = decode(data)
    found = detect(text)
    platform = found.source.split("_", 1)[0]
    if source is not None and source.split("_", 1)[0] != platform:
        raise NotAnExport(model.REFUSE_WRONG_SOURCE, detected=platform, source=source)
    return PARSERS[found.source](text, delimiter=found.delimiter, tz=tz, local_date=local_date)
