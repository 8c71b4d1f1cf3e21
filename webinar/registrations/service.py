"""Registration rules: sign-up, duplicates, capacity and waitlist, cancellation, promotion.

Each change runs in one write transaction together with the domain event that records it,
so confirmed registrations never exceed capacity, even with many sign-ups at once and with
the web and scheduler processes on the same database.
"""

from __future__ import annotations

from datetime import datetime

from webinar.clock import to_db
from webinar.errors import EventNotFound, RegistrationClosed, RegistrationNotFound
from webinar.events.model import Event
from webinar.outbox import log as outbox
from webinar.registrations.fields import DetailsIn, RegistrationIn
from webinar.registrations.model import Outcome, Registration, new_token
from webinar.registrations.waitlist import fill_free_seats, status_for_newcomer
from webinar.store.errors import UniqueViolation
from webinar.store.interface import Store, Transaction


async def register(store: Store, now: datetime, event: Event, data: RegistrationIn) -> Outcome:
    """Sign up for `event` (as the caller read it; whether it still takes registrations,
    and how many seats it has, is decided on the event as it is inside the transaction).
    Raises RegistrationClosed when it does not take registrations."""
    values = data.model_dump()
    for _attempt in range(3):
        try:
            return await _register_once(store, now, event.id, values)
        except UniqueViolation:
            # Only a token collision can land here (2^-144 each): draw again.
            continue
    raise RuntimeError("could not store registration")


async def _register_once(store: Store, now: datetime, event_id: int, values: dict) -> Outcome:
    stamp = to_db(now)
    async with store.transaction() as tx:
        event = await _event_for_update(tx, event_id)
        if not event.accepts_registrations(now):
            raise RegistrationClosed(event.slug)
        existing = await tx.registrations.by_email(event.id, values["email"])
        if existing is not None and existing["status"] != "cancelled":
            await outbox.append(tx, outbox.REGISTRATION_DUPLICATE, at=now,
                                  event_id=event.id, registration_id=existing["id"])
            return Outcome(Registration.from_row(existing), duplicate=True)
        status = await status_for_newcomer(tx, event)
        if existing is not None:
            row = await tx.registrations.reactivate(existing["id"], values, status, stamp)
        else:
            row = await tx.registrations.insert(event.id, new_token(), new_token(), values,
                                                status, stamp)
        await outbox.append(tx, outbox.REGISTRATION_CREATED, at=now, event_id=event.id,
                              registration_id=row["id"],
                              payload={"status": status, "reactivated": existing is not None})
    return Outcome(Registration.from_row(row), duplicate=False)


async def _event_for_update(tx: Transaction, event_id: int) -> Event:
    """The event as it is inside this transaction: the one the decision is made on."""
    row = await tx.events.for_update(event_id)
    if row is None:
        raise EventNotFound(str(event_id))
    return Event.from_row(row)


# Longer than any token we issue: answered as unknown without asking the database.
MAX_TOKEN_LENGTH = 64


async def get_by_token(store: Store, token: str) -> Registration:
    if len(token) > MAX_TOKEN_LENGTH:
        raise RegistrationNotFound()
    row = await store.registrations.by_token(token)
    if row is None:
        raise RegistrationNotFound()
    return Registration.from_row(row)


async def get_for_join(store: Store, token: str) -> tuple[Registration, Event, bool]:
    """The registration a join link names, its event, and whether the link carries the
    manage token (join links mailed before the join token existed) rather than the join
    token. One read: the join link is the hottest path at the start of a forum."""
    if len(token) > MAX_TOKEN_LENGTH:
        raise RegistrationNotFound()
    found = await store.registrations.for_join(token)
    if found is None:
        raise RegistrationNotFound()
    reg_row, event_row, by_manage_token = found
    return Registration.from_row(reg_row), Event.from_row(event_row), by_manage_token


async def get_by_id(store: Store, registration_id: int) -> Registration:
    row = await store.registrations.by_id(registration_id)
    if row is None:
        raise RegistrationNotFound()
    return Registration.from_row(row)


async def cancel(store: Store, now: datetime, event: Event, token: str) -> Registration:
    """Cancel; a freed seat goes to the first waitlisted person in the same transaction,
    within the capacity the event has then (not the one in the caller's copy)."""
    async with store.transaction() as tx:
        row = await tx.registrations.by_token(token)
        if row is None or row["event_id"] != event.id:
            raise RegistrationNotFound()
        event = await _event_for_update(tx, event.id)
        if row["status"] == "cancelled":
            return Registration.from_row(row)
        previous = row["status"]
        row = await tx.registrations.set_cancelled(row["id"], to_db(now))
        await outbox.append(tx, outbox.REGISTRATION_CANCELLED, at=now, event_id=event.id,
                              registration_id=row["id"], payload={"previous": previous})
        if previous == "confirmed" and event.status == "published":
            await fill_free_seats(tx, event, now)
    return Registration.from_row(row)


DETAIL_FIELDS = ("name", "organization", "position", "language")


async def update_details(store: Store, now: datetime, token: str,
                         data: DetailsIn) -> Registration:
    """The registrant corrects their details; logged (which fields, not their values) as
    registration.updated when anything changed. A cancelled registration stays as it is."""
    values = data.model_dump()
    async with store.transaction() as tx:
        row = await tx.registrations.by_token(token)
        if row is None:
            raise RegistrationNotFound()
        changed = sorted(f for f in DETAIL_FIELDS if row[f] != values[f])
        if not changed or row["status"] == "cancelled":
            return Registration.from_row(row)
        row = await tx.registrations.update_details(row["id"], values, to_db(now))
        await outbox.append(tx, outbox.REGISTRATION_UPDATED, at=now, event_id=row["event_id"],
                            registration_id=row["id"], payload={"fields": changed})
    return Registration.from_row(row)


async def waitlist_position(store: Store, reg: Registration) -> int | None:
    """A waitlisted person's place in line (1 = next to get a seat); None otherwise."""
    if reg.status != "waitlisted":
        return None
    return await store.registrations.waitlist_position(reg.event_id, reg.id)


async def page(store: Store, event: Event, after_id: int, limit: int,
               status: str | None) -> list[Registration]:
    rows = await store.registrations.page(event.id, after_id, limit, status)
    return [Registration.from_row(r) for r in rows]
