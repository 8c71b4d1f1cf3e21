"""The event (the forum an organizer publishes): its fields, sectors, doors and
registration window, as the services and views see it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from webinar.clock import from_db
from webinar.events.durations import format_duration, parse_duration
from webinar.i18n import N_
from webinar.store.interface import Row

STATUS_LABELS = {"draft": N_("draft"), "published": N_("published"),
                 "cancelled": N_("cancelled")}


@dataclass(frozen=True)
class Sector:
    code: str
    es: str
    en: str

    def label(self, lang: str) -> str:
        return self.es if lang == "es" else self.en


@dataclass(frozen=True)
class Event:
    id: int
    slug: str
    title: str
    description: str
    speakers: list[dict]
    starts_at: datetime
    ends_at: datetime
    timezone: str
    join_url: str | None
    capacity: int | None
    sectors: list[Sector]
    reminders: list[str]
    report_delay: timedelta
    organizer_emails: list[str]
    doors_open_minutes: int
    recording_url: str | None
    min_minutes_attended: int
    status: str
    registration_open: bool
    sequence: int
    created_by: int | None
    zoom_meeting_id: str | None = None
    embed_url: str | None = None
    attendance_from_export: bool = False
    certificate_minutes: int | None = None
    open_data: bool = False
    host_name: str | None = None
    host_website: str | None = None
    host_contact_email: str | None = None
    host_privacy_url: str | None = None

    @classmethod
    def from_row(cls, row: Row) -> Event:
        """The event a row holds. Parsed once per distinct row content: the hot paths
        read the row on every request (so a change by any process is seen at once) and
        only the parse is kept, keyed by every column's value; Event is frozen."""
        key = tuple(row.items())
        try:
            event = _PARSED.get(key)
        except TypeError:  # a store that hands out unhashable values: no cache
            return cls._parse(row)
        if event is None:
            if len(_PARSED) >= _PARSED_LIMIT:
                _PARSED.clear()
            event = _PARSED[key] = cls._parse(row)
        return event

    @classmethod
    def _parse(cls, row: Row) -> Event:
        return cls(
            id=row["id"], slug=row["slug"], title=row["title"],
            description=row["description"], speakers=json.loads(row["speakers"]),
            starts_at=from_db(row["starts_at"]), ends_at=from_db(row["ends_at"]),
            timezone=row["timezone"], join_url=row["join_url"], capacity=row["capacity"],
            sectors=[Sector(**s) for s in json.loads(row["sectors"])],
            reminders=json.loads(row["reminders"]),
            report_delay=timedelta(seconds=row["report_delay_seconds"]),
            organizer_emails=json.loads(row["organizer_emails"]),
            doors_open_minutes=row["doors_open_minutes"], recording_url=row["recording_url"],
            min_minutes_attended=row["min_minutes_attended"], status=row["status"],
            registration_open=bool(row["registration_open"]), sequence=row["sequence"],
            created_by=row["created_by"],
            zoom_meeting_id=row["zoom_meeting_id"], embed_url=row["embed_url"],
            attendance_from_export=bool(row["attendance_from_export"]),
            certificate_minutes=row["certificate_minutes"], open_data=bool(row["open_data"]),
            host_name=row["host_name"], host_website=row["host_website"],
            host_contact_email=row["host_contact_email"],
            host_privacy_url=row["host_privacy_url"],
        )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def sector_codes(self) -> list[str]:
        return [s.code for s in self.sectors]

    def sector_label(self, code: str, lang: str) -> str:
        for sector in self.sectors:
            if sector.code == code:
                return sector.label(lang)
        return code

    def reminder_offsets(self) -> list[tuple[str, timedelta]]:
        return [(r, parse_duration(r)) for r in self.reminders]

    def doors_open_at(self) -> datetime:
        return self.starts_at - timedelta(minutes=self.doors_open_minutes)

    def is_public(self) -> bool:
        return self.status in ("published", "cancelled")

    def seats_left(self, confirmed: int) -> int | None:
        """Free seats given the confirmed count; None when capacity is unlimited."""
        return None if self.capacity is None else max(0, self.capacity - confirmed)

    def accepts_registrations(self, now: datetime) -> bool:
        return self.status == "published" and self.registration_open and now < self.ends_at

    def fields(self) -> dict:
        """The organizer-facing fields, as in the create body."""
        return {
            "slug": self.slug, "title": self.title, "description": self.description,
            "speakers": self.speakers,
            "starts_at": self.starts_at.astimezone(self.zone).isoformat(),
            "ends_at": self.ends_at.astimezone(self.zone).isoformat(),
            "timezone": self.timezone, "join_url": self.join_url, "capacity": self.capacity,
            "sectors": [s.__dict__ for s in self.sectors], "reminders": self.reminders,
            "report_delay": format_duration(self.report_delay),
            "organizer_emails": self.organizer_emails,
            "doors_open_minutes": self.doors_open_minutes, "recording_url": self.recording_url,
            "min_minutes_attended": self.min_minutes_attended, "status": self.status,
            "registration_open": self.registration_open,
            "zoom_meeting_id": self.zoom_meeting_id, "embed_url": self.embed_url,
            "attendance_from_export": self.attendance_from_export,
            "certificate_minutes": self.certificate_minutes, "open_data": self.open_data,
            "host_name": self.host_name, "host_website": self.host_website,
            "host_contact_email": self.host_contact_email,
            "host_privacy_url": self.host_privacy_url,
        }

    def can_manage(self, organizer_id: int, organizer_email: str) -> bool:
        return self.created_by == organizer_id or organizer_email in self.organizer_emails


# Event.from_row's parses, by row content (a few events are hot at any moment).
_PARSED: dict[tuple, Event] = {}
_PARSED_LIMIT = 256
