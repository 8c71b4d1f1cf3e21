"""Who gets a seat: a newcomer's status, and promotion from the waitlist into free seats.

Both run inside the caller's write transaction, which is what keeps confirmed
registrations within capacity; the event they are given must have been read inside that
transaction too (`tx.events.for_update`), or a capacity changed meanwhile is missed. The
events service (a larger capacity) and the registrations service (a cancellation) both call
`fill_free_seats`.
"""

from __future__ import annotations

from datetime import datetime

from webinar.clock import to_db
from webinar.events.model import Event
from webinar.outbox import log as outbox
from webinar.store.interface import Transaction


async def status_for_newcomer(tx: Transaction, event: Event) -> str:
    if event.capacity is None:
        return "confirmed"
    confirmed = await tx.registrations.count_confirmed(event.id)
    return "confirmed" if confirmed < event.capacity else "waitlisted"


async def fill_free_seats(tx: Transaction, event: Event, now: datetime) -> int:
    """Promote waitlisted people, in the order they joined the waitlist, into free seats.
    Returns how many."""
    confirmed = await tx.registrations.count_confirmed(event.id)
    free = None if event.capacity is None else event.capacity - confirmed
    if free is not None and free <= 0:
        return 0
    waiting = await tx.registrations.first_waitlisted(
        event.id, free if free is not None else 1_000_000)
    for row in waiting:
        await tx.registrations.set_promoted(row["id"], to_db(now))
        await outbox.append(tx, outbox.REGISTRATION_PROMOTED, at=now, event_id=event.id,
                              registration_id=row["id"])
    return len(waiting)
