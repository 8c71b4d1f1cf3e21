"""Registration rules: sign-up, duplicates, capacity and waitlist, cancellation, promotion.

Each change runs in one write transaction together with the domain event that records it,
so confirmed registrations never exceed capacity, even with many sign-ups at once and with
the web and scheduler processes on the same database.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from webinar import eventlog
from webinar.clock import from_db, to_db
from webinar.data import registrations as sql
from webinar.db import Database, IntegrityError, Row, Transaction
from webinar.events import Event
from webinar.schemas import RegistrationIn

TOKEN_BYTES = 18  # 144 bits, 24 URL-safe characters


class RegistrationClosed(Exception):
    pass


class RegistrationNotFound(Exception):
    pass


@dataclass(frozen=True)
class Registration:
    id: int
    event_id: int
    token: str
    email: str
    name: str
    organization: str
    position: str
    sector: str
    country: str
    language: str
    status: str
    created_at: datetime
    confirmed_at: datetime | None
    cancelled_at: datetime | None

    @classmethod
    def from_row(cls, row: Row) -> Registration:
        return cls(
            id=row["id"], event_id=row["event_id"], token=row["token"], email=row["email"],
            name=row["name"], organization=row["organization"], position=row["position"],
            sector=row["sector"], country=row["country"], language=row["language"],
            status=row["status"], created_at=from_db(row["created_at"]),
            confirmed_at=from_db(row["confirmed_at"]), cancelled_at=from_db(row["cancelled_at"]),
        )


@dataclass(frozen=True)
class Outcome:
    registration: Registration
    duplicate: bool  # True: nothing was created; the existing registration's links are re-sent


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


async def register(db: Database, now: datetime, event: Event, data: RegistrationIn) -> Outcome:
    if not event.accepts_registrations(now):
        raise RegistrationClosed(event.slug)
    values = data.model_dump()
    for _attempt in range(3):
        try:
            return await _register_once(db, now, event, values)
        except IntegrityError:
            # Only a token collision can land here (2^-144): draw again.
            continue
    raise RuntimeError("could not store registration")


async def _register_once(db: Database, now: datetime, event: Event, values: dict) -> Outcome:
    stamp = to_db(now)
    async with db.transaction() as tx:
        existing = await sql.by_email(tx, event.id, values["email"])
        if existing is not None and existing["status"] != "cancelled":
            await eventlog.append(tx, eventlog.REGISTRATION_DUPLICATE, at=now,
                                  event_id=event.id, registration_id=existing["id"])
            return Outcome(Registration.from_row(existing), duplicate=True)
        status = await _status_for_newcomer(tx, event)
        if existing is not None:
            row = await sql.reactivate(tx, existing["id"], values, status, stamp)
        else:
            row = await sql.insert(tx, event.id, new_token(), values, status, stamp)
        await eventlog.append(tx, eventlog.REGISTRATION_CREATED, at=now, event_id=event.id,
                              registration_id=row["id"],
                              payload={"status": status, "reactivated": existing is not None})
    return Outcome(Registration.from_row(row), duplicate=False)


async def _status_for_newcomer(tx: Transaction, event: Event) -> str:
    if event.capacity is None:
        return "confirmed"
    confirmed = await sql.count_confirmed(tx, event.id)
    return "confirmed" if confirmed < event.capacity else "waitlisted"


async def get_by_token(db: Database, token: str) -> Registration:
    row = await sql.by_token(db, token)
    if row is None:
        raise RegistrationNotFound()
    return Registration.from_row(row)


async def get_by_id(db: Database, registration_id: int) -> Registration:
    row = await sql.by_id(db, registration_id)
    if row is None:
        raise RegistrationNotFound()
    return Registration.from_row(row)


async def cancel(db: Database, now: datetime, event: Event, token: str) -> Registration:
    """Cancel; a freed seat goes to the first waitlisted person in the same transaction."""
    async with db.transaction() as tx:
        row = await sql.by_token(tx, token)
        if row is None or row["event_id"] != event.id:
            raise RegistrationNotFound()
        if row["status"] == "cancelled":
            return Registration.from_row(row)
        previous = row["status"]
        row = await sql.set_cancelled(tx, row["id"], to_db(now))
        await eventlog.append(tx, eventlog.REGISTRATION_CANCELLED, at=now, event_id=event.id,
                              registration_id=row["id"], payload={"previous": previous})
        if previous == "confirmed" and event.status == "published":
            await fill_free_seats(tx, event, now)
    return Registration.from_row(row)


async def fill_free_seats(tx: Transaction, event: Event, now: datetime) -> int:
    """Promote waitlisted people, oldest first, into free seats. Returns how many."""
    confirmed = await sql.count_confirmed(tx, event.id)
    free = None if event.capacity is None else event.capacity - confirmed
    if free is not None and free <= 0:
        return 0
    waiting = await sql.first_waitlisted(tx, event.id, free if free is not None else 1_000_000)
    for row in waiting:
        await sql.set_promoted(tx, row["id"], to_db(now))
        await eventlog.append(tx, eventlog.REGISTRATION_PROMOTED, at=now, event_id=event.id,
                              registration_id=row["id"])
    return len(waiting)


async def page(db: Database, event: Event, after_id: int, limit: int,
               status: str | None) -> list[Registration]:
    rows = await sql.page(db, event.id, after_id, limit, status)
    return [Registration.from_row(r) for r in rows]
