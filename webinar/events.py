"""Events: what an organizer publishes, and the rules for creating and changing one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from webinar import eventlog
from webinar.clock import from_db, to_db
from webinar.data import events as sql
from webinar.data import registrations as reg_sql
from webinar.db import Database, Row
from webinar.durations import format_duration, parse_duration
from webinar.i18n import N_
from webinar.schemas import EventFields

STATUS_LABELS = {"draft": N_("draft"), "published": N_("published"),
                 "cancelled": N_("cancelled")}


class EventNotFound(Exception):
    pass


class SlugTaken(Exception):
    pass


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

    @classmethod
    def from_row(cls, row: Row) -> Event:
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
        }

    def can_manage(self, organizer_id: int, organizer_email: str) -> bool:
        return self.created_by == organizer_id or organizer_email in self.organizer_emails


def _columns(fields: EventFields) -> dict:
    return {
        "slug": fields.slug, "title": fields.title, "description": fields.description,
        "speakers": json.dumps([s.model_dump() for s in fields.speakers]),
        "starts_at": to_db(fields.starts_at), "ends_at": to_db(fields.ends_at),
        "timezone": fields.timezone, "join_url": fields.join_url, "capacity": fields.capacity,
        "sectors": json.dumps([s.model_dump() for s in fields.sectors]),
        "reminders": json.dumps(fields.reminders),
        "report_delay_seconds": int(parse_duration(fields.report_delay).total_seconds()),
        "organizer_emails": json.dumps(fields.organizer_emails),
        "doors_open_minutes": fields.doors_open_minutes, "recording_url": fields.recording_url,
        "min_minutes_attended": fields.min_minutes_attended, "status": fields.status,
        "registration_open": int(fields.registration_open),
    }


async def get(db: Database, slug: str) -> Event:
    row = await sql.by_slug(db, slug)
    if row is None:
        raise EventNotFound(slug)
    return Event.from_row(row)


async def get_by_id(db: Database, event_id: int) -> Event:
    row = await sql.by_id(db, event_id)
    if row is None:
        raise EventNotFound(str(event_id))
    return Event.from_row(row)


async def create(db: Database, now: datetime, fields: EventFields,
                 organizer_id: int | None) -> Event:
    async with db.transaction() as tx:
        if await sql.slug_taken(tx, fields.slug):
            raise SlugTaken(fields.slug)
        row = await sql.insert(tx, _columns(fields), organizer_id, to_db(now))
        await eventlog.append(tx, eventlog.EVENT_CREATED, at=now, event_id=row["id"])
    return Event.from_row(row)


async def update(db: Database, now: datetime, event: Event, fields: EventFields) -> Event:
    """Apply a validated whole set of fields. Moving the start or the end raises the
    iCalendar SEQUENCE and logs event.rescheduled (registrants get an update and their
    reminders are re-planned); a larger capacity promotes from the waitlist."""
    new = _columns(fields)
    async with db.transaction() as tx:
        # Compare with what is stored now, inside the transaction: no lost update, and no
        # re-validation of old data against rules added since it was stored.
        stored = await sql.by_id(tx, event.id)
        changed = {k: v for k, v in new.items() if stored[k] != v}
        if not changed:
            return Event.from_row(stored)
        moved = "starts_at" in changed or "ends_at" in changed
        if "slug" in changed and await sql.slug_taken(tx, fields.slug):
            raise SlugTaken(fields.slug)
        if moved:
            changed["sequence"] = stored["sequence"] + 1
        row = await sql.update(tx, event.id, changed, to_db(now))
        updated = Event.from_row(row)
        await eventlog.append(tx, eventlog.EVENT_UPDATED, at=now, event_id=event.id,
                              payload={"changed": sorted(changed)})
        if moved or "reminders" in changed:
            await eventlog.append(
                tx, eventlog.EVENT_RESCHEDULED, at=now, event_id=event.id,
                payload={"sequence": updated.sequence, "moved": moved,
                         "previous_starts_at": stored["starts_at"]},
            )
        if "status" in changed and updated.status == "cancelled":
            await eventlog.append(tx, eventlog.EVENT_CANCELLED, at=now, event_id=event.id)
        if updated.status == "published":
            from webinar.registration import fill_free_seats  # it imports this module

            await fill_free_seats(tx, updated, now)
    return updated


async def registration_counts(db: Database, event: Event) -> dict[str, int]:
    return await reg_sql.counts(db, event.id)


async def managed_by(db: Database, organizer_id: int,
                     organizer_email: str) -> list[tuple[Event, Row]]:
    """The events this organizer may manage, newest first, each with its counts row."""
    pairs = [(Event.from_row(row), row) for row in await sql.listing(db)]
    return [(e, row) for e, row in pairs if e.can_manage(organizer_id, organizer_email)]


async def upcoming(db: Database, now: datetime) -> list[Event]:
    """Published events not over yet, soonest first: the public front page."""
    events = [Event.from_row(row) for row in await sql.listing(db)]
    return sorted((e for e in events if e.status == "published" and e.ends_at > now),
                  key=lambda e: e.starts_at)
