"""Event services: create and change an event, and the listings the pages show."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from webinar.clock import to_db
from webinar.errors import EventNotFound, SlugTaken, WrongStatus
from webinar.events.durations import parse_duration
from webinar.events.fields import EventFields
from webinar.events.model import STATUS_LABELS, Event
from webinar.organizers import invitations
from webinar.organizers.invitations import Inviter
from webinar.outbox import log as outbox
from webinar.registrations.waitlist import fill_free_seats
from webinar.store.interface import Row, Store, Transaction

__all__ = ["STATUS_LABELS", "EventNotFound", "SlugTaken", "WrongStatus"]


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
                 organizer_id: int | None, *, inviter: Inviter | None = None) -> Event:
    """Store a new event (SlugTaken when the slug is in use). With an `inviter` (the
    organizer pages and the API pass one), its organizer addresses without an account are
    invited in the same transaction (webinar.organizers.invitations.plan)."""
    async with store.transaction() as tx:
        if await tx.events.slug_taken(fields.slug):
            raise SlugTaken(fields.slug)
        row = await tx.events.insert(_columns(fields), organizer_id, to_db(now))
        await outbox.append(tx, outbox.EVENT_CREATED, at=now, event_id=row["id"])
        event = Event.from_row(row)
        if inviter is not None:
            await invitations.plan(tx, now, inviter, event)
    return event


# The column each create-body field is stored in, where the names differ.
_COLUMN_OF = {"report_delay": "report_delay_seconds"}


async def update(store: Store, now: datetime, event_id: int, changes: Mapping[str, Any], *,
                 only_if_status: tuple[str, ...] | None = None,
                 inviter: Inviter | None = None) -> Event:
    """Apply the fields `changes` names (a PATCH body) to the event as it is inside the
    write transaction: merged into the stored fields and validated there, so two organizers
    changing different fields at once both keep theirs. Raises pydantic's ValidationError
    when the merged event is invalid (nothing is written).

    Moving the start or the end raises the iCalendar SEQUENCE and logs event.rescheduled
    (registrants get an update and their reminders are re-planned); a larger capacity
    promotes from the waitlist. With `only_if_status`, raises WrongStatus (nothing written)
    unless the stored status is one of those. With an `inviter`, the event's organizer
    addresses without an account and without a live invitation are invited in the same
    transaction, whether or not this save changed anything (see invitations.plan)."""
    async with store.transaction() as tx:
        updated = await _update(tx, now, event_id, changes, only_if_status)
        if inviter is not None:
            await invitations.plan(tx, now, inviter, updated)
    return updated


async def _update(tx: Transaction, now: datetime, event_id: int, changes: Mapping[str, Any],
                  only_if_status: tuple[str, ...] | None) -> Event:
    """`update` inside its transaction."""
    stored = await tx.events.for_update(event_id)
    if stored is None:
        raise EventNotFound(str(event_id))
    if only_if_status is not None and stored["status"] not in only_if_status:
        raise WrongStatus(stored["status"])
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


async def seats_left(store: Store, event: Event) -> int | None:
    """Free seats; None (and no query) when capacity is unlimited. The event page asks on
    every view: counting only confirmed registrations keeps it bounded by the capacity,
    however long the waitlist grows."""
    if event.capacity is None:
        return None
    return event.seats_left(await store.registrations.count_confirmed(event.id))


async def registration_counts(store: Store, event: Event) -> dict[str, int]:
    return await store.registrations.counts(event.id)


async def managed_by(store: Store, organizer_id: int,
                     organizer_email: str) -> list[tuple[Event, Row]]:
    """The events this organizer may manage, newest first, each with its counts row."""
    pairs = [(Event.from_row(row), row) for row in await store.events.listing()]
    return [(e, row) for e, row in pairs if e.can_manage(organizer_id, organizer_email)]


# The organizer pages' buttons: the statuses each applies to and the change it makes.
# Cancelling goes through update like a PATCH: event.cancelled is logged and the mail
# planner tells every registrant (webinar.mail.planner, kind event_cancelled).
ACTIONS: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {
    "publish": (("draft",), {"status": "published"}),
    "close": (("published",), {"registration_open": False}),
    "reopen": (("published",), {"registration_open": True}),
    "cancel": (("draft", "published"), {"status": "cancelled"}),
}


def action_applies(action: str, event: Event) -> bool:
    statuses, changes = ACTIONS[action]
    if event.status not in statuses:
        return False
    return any(getattr(event, key) != value for key, value in changes.items())


async def act(store: Store, now: datetime, event_id: int, action: str) -> Event:
    """Apply one of ACTIONS, checked against the event as stored (WrongStatus otherwise)."""
    statuses, changes = ACTIONS[action]
    return await update(store, now, event_id, changes, only_if_status=statuses)


async def for_organizer(store: Store, organizer_id: int, organizer_email: str,
                        now: datetime) -> list[tuple[Event, Row]]:
    """The organizer's events for their list: those not over yet first, soonest first;
    then the ended ones, most recent first."""
    managed = await managed_by(store, organizer_id, organizer_email)
    ahead = sorted((p for p in managed if p[0].ends_at > now), key=lambda p: p[0].starts_at)
    over = sorted((p for p in managed if p[0].ends_at <= now),
                  key=lambda p: p[0].starts_at, reverse=True)
    return ahead + over


DUPLICATE_SHIFT = timedelta(weeks=1)


async def copy_of(store: Store, event: Event) -> dict[str, Any]:
    """The create-body fields of a new draft copying `event`: every field but the slug
    (the next free "<slug>-2", "-3"...), moved a week later, registration open."""
    fields = event.fields()
    zone = event.zone
    fields.update(
        slug=await free_slug(store, event.slug), status="draft", registration_open=True,
        starts_at=(event.starts_at + DUPLICATE_SHIFT).astimezone(zone).isoformat(),
        ends_at=(event.ends_at + DUPLICATE_SHIFT).astimezone(zone).isoformat())
    return fields


async def free_slug(store: Store, slug: str) -> str:
    stem = slug
    parts = slug.rsplit("-", 1)
    if len(parts) == 2 and parts[1].isdigit() and len(parts[1]) < 4:
        stem = parts[0]
    for n in range(2, 1000):
        candidate = f"{stem[:75]}-{n}"
        if not await store.events.slug_taken(candidate):
            return candidate
    return f"{stem[:60]}-{n}"


async def upcoming(store: Store, now: datetime) -> list[Event]:
    """Published events not over yet, soonest first: the public front page."""
    events = [Event.from_row(row) for row in await store.events.listing()]
    return sorted((e for e in events if e.status == "published" and e.ends_at > now),
                  key=lambda e: e.starts_at)
