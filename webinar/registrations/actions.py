"""What an organizer does to one registration from the registrants table: check in (mark
attended by hand), cancel, promote from the waitlist, send the links again.

- A check-in is presence without minutes (design: "so is a manual check-in"): an instant
  presence interval, source `checkin`, key `checkin:<registration>`, so checking in twice
  stores one and the report, the live view and the registrations API count it by the one
  rule like any other presence. It is placed at the moment of the check-in; after the end
  (marking attendance from a sign-in sheet) at the start of the event. Before the doors
  open it is refused: it would not be presence.
- Cancel is the registrations service's cancel: a freed seat goes to the first in the
  waitlist, and both hear of it through the mail engine.
- Promote by hand is an organizer's override: the person chosen is confirmed even when
  the event is full (the organizer decides who sits in the room; a free seat is filled
  automatically anyway, so a button that only worked then would never be needed). The
  capacity stays as set: sign-ups keep being waitlisted, and cancellations promote only
  once confirmed registrations are below it again.
- Resending the links plans one mail (kind `links`) keyed `links:<registration>:<form
  key>`: the form's random key makes a double click send once, and a later click (a new
  page) send again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from webinar.attendance import intervals, joining
from webinar.attendance import service as attendance_service
from webinar.clock import to_db
from webinar.errors import RegistrationNotFound
from webinar.events.model import Event
from webinar.mail.planner import message_id
from webinar.outbox import log as outbox
from webinar.registrations import service as registrations_service
from webinar.registrations.model import Registration
from webinar.store.interface import Store

CHECKIN = "checkin"
LINKS = "links"
FORM_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


async def registration_of(store: Store, event: Event, registration_id: int) -> Registration:
    """A registration of this event (RegistrationNotFound for another event's)."""
    row = await store.registrations.by_id(registration_id)
    if row is None or row["event_id"] != event.id:
        raise RegistrationNotFound()
    return Registration.from_row(row)


@dataclass(frozen=True)
class CheckIn:
    outcome: str  # checked_in, already, not_confirmed, too_early
    attended: bool = False  # whether the person now counts as attended


async def check_in(store: Store, now: datetime, event: Event, reg: Registration) -> CheckIn:
    if not joining.records_visit(event, reg):
        return CheckIn("not_confirmed")
    start, end = intervals.window(event.starts_at, event.ends_at, event.doors_open_minutes)
    if now < start:
        return CheckIn("too_early")
    moment = now if now < end else event.starts_at
    added = await attendance_service.record_presence(
        store, now, event, key=f"{CHECKIN}:{reg.id}", source=CHECKIN, started_at=moment,
        ended_at=moment, registration_id=reg.id, email=reg.email)
    seen = await attendance_service.attendance_of(store, event, [reg.id], now)
    return CheckIn("checked_in" if added else "already", seen[reg.id].attended)


@dataclass(frozen=True)
class Cancelled:
    registration: Registration
    promoted: Registration | None  # the first in the waitlist, when they got the seat


async def cancel(store: Store, now: datetime, event: Event, reg: Registration) -> Cancelled:
    waiting = await store.registrations.first_waitlisted(event.id, 1)
    done = await registrations_service.cancel(store, now, event, reg.token)
    promoted = None
    if waiting and reg.status == "confirmed":
        after = await store.registrations.by_id(waiting[0]["id"])
        if after is not None and after["status"] == "confirmed":
            promoted = Registration.from_row(after)
    return Cancelled(done, promoted)


@dataclass(frozen=True)
class Promoted:
    outcome: str  # promoted, not_waitlisted
    confirmed: int = 0  # confirmed registrations after it
    over_capacity: bool = False


async def promote(store: Store, now: datetime, event: Event, reg: Registration) -> Promoted:
    """Confirm this waitlisted person now, full or not (see the module)."""
    async with store.transaction() as tx:
        row = await tx.registrations.by_id(reg.id)
        if row is None or row["event_id"] != event.id:
            raise RegistrationNotFound()
        current = await tx.events.for_update(event.id)
        if row["status"] != "waitlisted" or current is None:
            return Promoted("not_waitlisted")
        capacity = current["capacity"]
        confirmed = await tx.registrations.count_confirmed(event.id) + 1
        over = capacity is not None and confirmed > capacity
        await tx.registrations.set_promoted(reg.id, to_db(now))
        await outbox.append(tx, outbox.REGISTRATION_PROMOTED, at=now, event_id=event.id,
                            registration_id=reg.id,
                            payload={"by": "organizer", "over_capacity": over})
    return Promoted("promoted", confirmed, over)


async def resend_links(store: Store, now: datetime, event: Event, reg: Registration,
                       form_key: str, domain: str) -> bool:
    """Plan the mail with the person's links; False when this form already planned it
    (or the registration is cancelled: it has no links to use)."""
    if reg.status == "cancelled" or not FORM_KEY.match(form_key):
        return False
    key = f"{LINKS}:{reg.id}:{form_key}"
    async with store.transaction() as tx:
        return await tx.deliveries.plan(
            key=key, kind=LINKS, event_id=event.id, registration_id=reg.id,
            recipient=reg.email, due_at=to_db(now), message_id=message_id(key, domain),
            now=to_db(now), sequence=event.sequence)
