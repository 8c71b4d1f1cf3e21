"""The attendance report as plain data: what `compute` produces and every renderer reads.

The numbers mean what the design's contract says ("What the numbers mean"): `registered`
counts confirmed registrations, `attended` those of them who attended, rates are fractions
0-1 with 3 decimals, minutes are averaged over those who attended. `Report.to_json()` is
the body of `GET /api/v1/events/{slug}/report`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from webinar.events.model import Event, Sector
from webinar.i18n import translations

# The row for sectors people chose that the event no longer offers. An offered sector's
# code starts with a letter (events/fields.py), so this code never collides with one.
OTHER_SECTOR = "_other"


@dataclass(frozen=True)
class EventFacts:
    """What the report says about the event itself."""

    slug: str
    title: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    sectors: tuple[Sector, ...]
    doors_open_minutes: int = 0

    @classmethod
    def from_event(cls, event: Event) -> EventFacts:
        return cls(slug=event.slug, title=event.title, starts_at=event.starts_at,
                   ends_at=event.ends_at, timezone=event.timezone,
                   sectors=tuple(event.sectors),
                   doors_open_minutes=event.doors_open_minutes)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def to_json(self) -> dict[str, Any]:
        return {
            "slug": self.slug, "title": self.title,
            "starts_at": self.starts_at.astimezone(self.zone).isoformat(),
            "ends_at": self.ends_at.astimezone(self.zone).isoformat(),
            "timezone": self.timezone, "doors_open_minutes": self.doors_open_minutes,
            "sectors": [{"code": s.code, "es": s.es, "en": s.en} for s in self.sectors],
        }


@dataclass(frozen=True)
class SectorRow:
    """One line of the by-sector table. `label_es`/`label_en` are the organizer's labels
    (for the "other" row, the translated word)."""

    sector: str
    label_es: str
    label_en: str
    registered: int
    attended: int
    attendance_rate: float
    avg_minutes: float
    median_minutes: float

    def label(self, lang: str) -> str:
        if self.sector == OTHER_SECTOR:
            return translations(lang).gettext("Other (no longer offered)")
        return self.label_es if lang == "es" else self.label_en

    def to_json(self) -> dict[str, Any]:
        return {
            "sector": self.sector, "label": {"es": self.label("es"), "en": self.label("en")},
            "registered": self.registered, "attended": self.attended,
            "attendance_rate": self.attendance_rate, "avg_minutes": self.avg_minutes,
            "median_minutes": self.median_minutes,
        }


@dataclass(frozen=True)
class CountryRow:
    """`country` is the ISO 3166 alpha-2 code, "" when the person gave none."""

    country: str
    registered: int
    attended: int

    def to_json(self) -> dict[str, Any]:
        return {"country": self.country, "registered": self.registered,
                "attended": self.attended}


@dataclass(frozen=True)
class OrganizationRow:
    organization: str
    registered: int
    attended: int

    def to_json(self) -> dict[str, Any]:
        return {"organization": self.organization, "registered": self.registered,
                "attended": self.attended}


@dataclass(frozen=True)
class TimelinePoint:
    """`minute` is the UTC ISO minute (`2026-12-03T15:00:00Z`)."""

    minute: str
    present: int

    @property
    def moment(self) -> datetime:
        return datetime.fromisoformat(self.minute.replace("Z", "+00:00")).astimezone(UTC)

    def to_json(self) -> dict[str, Any]:
        return {"minute": self.minute, "present": self.present}


@dataclass(frozen=True)
class Peak:
    """The first minute with the most people present; `minute` None when nobody was."""

    minute: str | None
    present: int

    def to_json(self) -> dict[str, Any]:
        return {"minute": self.minute, "present": self.present}


@dataclass(frozen=True)
class Report:
    event: EventFacts
    registered: int
    attended: int
    attendance_rate: float
    avg_minutes: float
    median_minutes: float
    by_sector: list[SectorRow]
    walk_ins: int
    waitlisted: int
    cancelled: int
    countries: list[CountryRow]
    organizations: list[OrganizationRow]
    timeline: list[TimelinePoint]
    peak: Peak
    # Organizations beyond the top N that were left out of `organizations`.
    organizations_left_out: int = 0
    # Of `attended`: first time at an event of these organizers, or back from an earlier one.
    new_attendees: int = 0
    returning_attendees: int = 0

    def sector_rows_with_attendees(self) -> list[SectorRow]:
        return [row for row in self.by_sector if row.attended > 0]

    def to_json(self) -> dict[str, Any]:
        """The contract's JSON (a dict ready for json.dumps): `registered`, `attended`,
        `attendance_rate`, `by_sector`, `countries`, `timeline`, plus the rest."""
        return {
            "event": self.event.to_json(),
            "registered": self.registered,
            "attended": self.attended,
            "attendance_rate": self.attendance_rate,
            "avg_minutes": self.avg_minutes,
            "median_minutes": self.median_minutes,
            "by_sector": [row.to_json() for row in self.by_sector],
            "walk_ins": self.walk_ins,
            "waitlisted": self.waitlisted,
            "cancelled": self.cancelled,
            "countries": [row.to_json() for row in self.countries],
            "organizations": [row.to_json() for row in self.organizations],
            "organizations_left_out": self.organizations_left_out,
            "new_vs_returning": {"new": self.new_attendees,
                                 "returning": self.returning_attendees},
            "timeline": [point.to_json() for point in self.timeline],
            "peak": self.peak.to_json(),
        }
