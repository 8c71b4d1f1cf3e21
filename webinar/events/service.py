"""Event services: create and change an event, and the listings the pages show."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from webinar.clock import to_db
from webinar.errors import EventNotFound, SlugTaken
from webinar.events.durations import parse_duration
from webinar.events.fields import EventFields
from webinar.events.model import STATUS_LABELS, Event
from webinar.outbox import log as outbox
from webinar.registrations.waitlist import fill_free_seats
from webinar.store.interface import Row, Store

__all__ = ["STATUS_LABELS", "EventNotFound", "SlugTaken"]


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
        "zoom_meeting_id": fields.zoom_meeting_id, "embed_url": fields.embed_url,
        "attendance_from_export": int(fields.attendance_from_export),
        "certificate_minutes": fields.certificate_minutes, "open_data": int(fields.open_data),
        "host_name": fields.host_name, "host_website": fields.host_website,
        "host_contact_email": fields.host_contact_email,
        "host_privacy_url": fields.host_privacy_url,
    }


async def get(store: Store, slug: str) -> Event:
    row = await store.events.by_slug(slug)
    if row is None:
        raise EventNotFound(slug)
    return Event.from_row(row)


async def get_by_id(store: Store, event_id: int) -> Event:
    row = await store.events.by_id(event_id)
    if row is None:
        raise EventNotFound(str(event_id))
    return Event.from_row(row)


async def create(store: Store, now: datetime, fields: EventFields,
                 organizer_id: int | None) -> Event:
    async with store.transaction() as tx:
        if await tx.events.slug_taken(fields.slug):
            raise SlugTaken(fields.slug)
        row = await tx.events.insert(_columns(fields), organizer_id, to_db(now))
        await outbox.append(tx, outbox.EVENT_CREATED, at=now, event_id=row["id"])
    return Event.from_row(row)


# The column each create-body field is stored in, where the names differ.
_COLUMN_OF = {"report_delay": "report_delay_seconds"}


async def update(store: Store, now: datetime, event_id: int, changes: Mapping[str, Any]) -> Event:
    """Apply the fields `changes` names (a PATCH body) to the event as it is inside the
    write transaction: merged into the stored fields and validated there, so two organizers
    changing different fields at once both keep theirs. Raises pydantic's ValidationError
    when the merged event is invalid (nothing is written).

    Moving the start or the end raises the iCalendar SEQUENCE and logs event.rescheduled
    (registrants get an update and their reminders are re-planned); a larger capacity
    promotes from the waitlist."""
    async with store.transaction() as tx:
        stored = await tx.events.for_update(event_id)
        if stored is None:
            raise EventNotFound(str(event_id))
        # Unknown keys fail too: EventFields forbids extra fields.
        fields = EventFields.model_validate({**Event.from_row(stored).fields(), **changes})
        new = _columns(fields)
        named = {_COLUMN_OF.get(key, key) for key in changes}
        changed = {k: new[k] for k in sorted(named) if stored[k] != new[k]}
        if not changed:
            return Event.from_row(stored)
        moved = "starts_at" in changed or "ends_at" in changed
        if "slug" in changed and await tx.events.slug_taken(fields.slug):
            raise SlugTaken(fields.slug)
        if moved:
            changed["sequence"] = stored["sequence"] + 1
        row = await tx.events.update(event_id, changed, to_db(now))
        updated = Event.from_row(row)
        await outbox.append(tx, outbox.EVENT_UPDATED, at=now, event_id=event_id,
                              payload={"changed": sorted(changed)})
        if moved or "reminders" in changed:
            await outbox.append(
                tx, outbox.EVENT_RESCHEDULED, at=now, event_id=event_id,
                payload={"sequence": updated.sequence, "moved": moved,
                         "previous_starts_at": stored["starts_at"]},
            )
        if "status" in changed and updated.status == "cancelled":
            await outbox.append(tx, outbox.EVENT_CANCELLED, at=now, event_id=event_id)
        if updated.status == "published":
            await fill_free_seats(tx, updated, now)
    return updated


async def registration_counts(store: Store, event: Event) -> dict[str, int]:
    return await store.registrations.counts(event.id)


async def managed_by(store: Store, organizer_id: int,
                     organizer_email: str) -> list[tuple[Event, Row]]:
    """The events this organizer may manage, newest first, each with its counts row."""
    pairs = [(Event.from_row(row), row) for row in await store.events.listing()]
    return [(e, row) for e, row in pairs if e.can_manage(organizer_id, organizer_email)]


async def upcoming(store: Store, now: datetime) -> list[Event]:
    """Published events not over yet, soonest first: the public front page."""
    events = [Event.from_row(row) for row in await store.events.listing()]
    return sorted((e for e in events if e.status == "published" and e.ends_at > now),
                  key=lambda e: e.starts_at)
