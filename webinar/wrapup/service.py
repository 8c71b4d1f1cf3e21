"""The wrap-up: planned from the event log, run once by the scheduler, and the organizer's
two buttons (send the held follow-ups now, send the report again).

Why a `wrapups` row and not only deliveries rows: who gets a thank-you and who a "sorry we
missed you" is known only after the event (and, for an event whose attendance comes from a
platform's export, only after the import), and registrants keep arriving until the end. So
a consumer of the event log (cursor `wrapup`) keeps one row per event with the due times of
the wrap-up's two steps, re-planned from the event as it is whenever the event changes;
a step runs as ONE write transaction that takes it with a conditional UPDATE
(`take_report` / `take_followups`) and plans its mail in `deliveries` under unique keys
(`report:<event>:<n>:<address>`, `followup:<registration>`). A crash rolls the whole step
back; a second scheduler's UPDATE matches nothing (and the keys would refuse the copies
anyway). Sending then goes through the deliveries' claim and lease like every other mail,
so each mail is sent once across restarts and processes (docstring of mail/delivery.py).

Steps:
- report: at `due_at` = end + report_delay, one mail to each address of
  `organizer_emails` and the creating organizer.
- follow-ups: at `followups_due_at` = the same moment, or, when the event's attendance
  comes from an export (`attendance_from_export`), end + FOLLOWUPS_HOLD unless the
  organizer sends them earlier from the event page or the API (only after the end).
A wrap-up is armed only for a published event: cancelled (or draft) records why it is
not. A wrap-up first planned more than LATE_LIMIT after its due time (events that ended
before this feature existed) is recorded as skipped, never sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from webinar.attendance import service as attendance_service
from webinar.attendance.service import NOBODY
from webinar.clock import from_db, to_db
from webinar.events.model import Event
from webinar.i18n import N_
from webinar.mail.planner import message_id
from webinar.outbox import log as outbox
from webinar.outbox.consumer import consume
from webinar.store.interface import Row, Store, Transaction

CONSUMER = "wrapup"
FOLLOWUPS_HOLD = timedelta(days=3)
LATE_LIMIT = timedelta(days=2)
PLAN_BATCH = 500
RUN_BATCH = 50
# Stored in English; the event page translates them.
SKIPPED_CANCELLED = N_("event cancelled")
SKIPPED_UNPUBLISHED = N_("event not published")
SKIPPED_TOO_LATE = N_("the event ended before its wrap-up was planned")

REPORT, THANK_YOU, SORRY_MISSED = "report", "thank_you", "sorry_missed"
FOLLOWUP_KINDS = (THANK_YOU, SORRY_MISSED)
# Mail to the event's organizers, not to a registrant (deliveries.registration_id NULL).
ORGANIZER_KINDS = (REPORT,)
BY_SCHEDULE, BY_ORGANIZER = "schedule", "organizer"


def report_due(event: Event) -> datetime:
    return event.ends_at + event.report_delay


def followups_due(event: Event) -> datetime:
    """When the follow-ups go at the latest: with the report, or held for an import."""
    if event.attendance_from_export:
        return max(report_due(event), event.ends_at + FOLLOWUPS_HOLD)
    return report_due(event)


def followup_kind(attended: bool) -> str:
    return THANK_YOU if attended else SORRY_MISSED


# --- planning from the event log ---------------------------------------------------------

_EVENT_ENTRIES = (outbox.EVENT_CREATED, outbox.EVENT_UPDATED, outbox.EVENT_RESCHEDULED,
                  outbox.EVENT_CANCELLED)


class _Planner:
    def __init__(self, tx: Transaction, now: datetime):
        self.tx, self.now = tx, now

    async def handle(self, entry: outbox.LogEntry) -> None:
        if entry.type not in _EVENT_ENTRIES or entry.event_id is None:
            return
        row = await self.tx.events.by_id(entry.event_id)
        if row is None:
            return
        # The event as it is now: every entry re-plans from the same state, so the
        # order and number of entries handled does not matter.
        await plan(self.tx, Event.from_row(row), self.now)


async def plan(tx: Transaction, event: Event, now: datetime) -> None:
    """Plan (or re-plan) the wrap-up of `event` from its current fields."""
    existing = await tx.wrapups.by_event(event.id)
    if event.status == "cancelled":
        skipped: str | None = SKIPPED_CANCELLED
    elif event.status != "published":
        skipped = SKIPPED_UNPUBLISHED
    else:
        skipped = None
    too_late = now > report_due(event) + LATE_LIMIT
    if (existing is None and too_late) or (existing is not None
                                           and existing["skipped"] == SKIPPED_TOO_LATE):
        skipped = SKIPPED_TOO_LATE
    await tx.wrapups.plan(event_id=event.id, due_at=to_db(report_due(event)),
                          followups_due_at=to_db(followups_due(event)), skipped=skipped,
                          now=to_db(now))


async def plan_from_log(store: Store, now: datetime, batch: int = PLAN_BATCH) -> int:
    """Plan the wrap-ups the log entries after this consumer's cursor call for."""
    return await consume(store, CONSUMER, now, lambda tx: _Planner(tx, now).handle, batch)


# --- running the steps -------------------------------------------------------------------

def report_recipients(event: Event, creator_email: str | None) -> list[str]:
    """The event's organizer emails and the creating organizer's, once each."""
    seen: list[str] = []
    for address in [*event.organizer_emails, creator_email or ""]:
        email = address.strip().lower()
        if email and email not in seen:
            seen.append(email)
    return seen


async def _plan_report(tx: Transaction, event: Event, number: int, now: datetime,
                       domain: str) -> list[str]:
    creator = await tx.organizers.by_id(event.created_by) if event.created_by else None
    recipients = report_recipients(event, creator["email"] if creator else None)
    for address in recipients:
        key = f"report:{event.id}:{number}:{address}"
        await tx.deliveries.plan(key=key, kind=REPORT, event_id=event.id,
                                 registration_id=None, recipient=address, due_at=to_db(now),
                                 message_id=message_id(key, domain), now=to_db(now),
                                 detail=str(number) if number else "")
    return recipients


async def _current(tx: Transaction, event_id: int, now: datetime) -> Event | None:
    """The event inside the step's transaction, if its wrap-up may run: a cancellation the
    consumer has not read yet still stops it."""
    row = await tx.events.by_id(event_id)
    if row is None:
        return None
    event = Event.from_row(row)
    if event.status != "published":
        await tx.wrapups.skip(event_id, SKIPPED_CANCELLED if event.status == "cancelled"
                              else SKIPPED_UNPUBLISHED, to_db(now))
        return None
    return event


async def run_report(store: Store, event_id: int, now: datetime, domain: str) -> bool:
    """The report step, if due and not taken yet. True when this call ran it."""
    async with store.transaction() as tx:
        event = await _current(tx, event_id, now)
        if event is None or not await tx.wrapups.take_report(event_id, to_db(now)):
            return False
        await _plan_report(tx, event, 0, now, domain)
    return True


async def release_followups(store: Store, event: Event, now: datetime, domain: str, *,
                            by: str) -> int | None:
    """Plan one follow-up per confirmed registrant: a thank-you to those who attended (the
    contract's rule, attendance.service), a "sorry we missed you" to the others. By the
    schedule only when due; by the organizer at once. Returns how many were planned, or
    None when the step was not taken here (already released, not due, not armed)."""
    # Read before the write transaction (the whole event in two reads); someone confirmed
    # after this read is judged as not seen, which is what they are.
    seen = await attendance_service.event_attendance(store, event, now)
    async with store.transaction() as tx:
        current = await _current(tx, event.id, now)
        due_by = to_db(now) if by == BY_SCHEDULE else None
        if current is None or not await tx.wrapups.take_followups(event.id, to_db(now), by,
                                                                   due_by):
            return None
        registrations = await tx.registrations.with_status(event.id, ("confirmed",))
        stamp = to_db(now)
        mails = []
        for reg in registrations:
            key = f"followup:{reg['id']}"
            mails.append({
                "key": key, "event_id": event.id, "registration_id": reg["id"],
                "kind": followup_kind(seen.registrations.get(reg["id"], NOBODY).attended),
                "recipient": reg["email"], "due_at": stamp, "now": stamp,
                "message_id": message_id(key, domain), "sequence": current.sequence})
        await tx.deliveries.plan_many(mails)
    return len(registrations)


async def run_due(store: Store, now: datetime, domain: str, limit: int = RUN_BATCH) -> int:
    """Run the steps whose time has come. Returns how many steps ran here."""
    ran = 0
    for row in await store.wrapups.due(to_db(now), limit):
        stamp = to_db(now)
        if row["ran_at"] is None and row["due_at"] <= stamp:
            ran += await run_report(store, row["event_id"], now, domain)
        if row["followups_released_at"] is None and row["followups_due_at"] <= stamp:
            event_row = await store.events.by_id(row["event_id"])
            if event_row is not None:
                planned = await release_followups(store, Event.from_row(event_row), now,
                                                  domain, by=BY_SCHEDULE)
                ran += planned is not None
    return ran


# --- the organizer's buttons -------------------------------------------------------------

class NotEnded(Exception):
    """The event has not ended yet: nothing to follow up or report on."""


class NothingToSend(Exception):
    """The follow-ups went already, or this event has no wrap-up (cancelled, too old)."""


async def send_followups_now(store: Store, event: Event, now: datetime, domain: str) -> int:
    """The organizer's "send follow-ups": release them now, once. Raises NotEnded before
    the end, NothingToSend when they went already or the wrap-up is not armed."""
    if now < event.ends_at:
        raise NotEnded()
    planned = await release_followups(store, event, now, domain, by=BY_ORGANIZER)
    if planned is None:
        raise NothingToSend()
    return planned


async def send_report_again(store: Store, event: Event, now: datetime,
                            domain: str) -> tuple[int, list[str]]:
    """The organizer's "send the report again": a new mail to every report address at each
    press (numbered by the wrap-up's counter). Returns (its number, the addresses)."""
    if now < event.ends_at:
        raise NotEnded()
    async with store.transaction() as tx:
        number = await tx.wrapups.next_report_send(event.id, to_db(now))
        if number is None:
            raise NothingToSend()
        recipients = await _plan_report(tx, event, number, now, domain)
    return number, recipients


@dataclass(frozen=True)
class WrapupState:
    """What the event page and the API show of the wrap-up."""

    planned: bool
    skipped: str | None
    report_due_at: datetime | None
    report_ran_at: datetime | None
    followups_due_at: datetime | None
    followups_held: bool
    followups_released_at: datetime | None
    followups_released_by: str | None
    report_sends: int

    def to_json(self) -> dict:
        def iso(moment: datetime | None) -> str | None:
            return None if moment is None else moment.isoformat()
        return {
            "planned": self.planned, "skipped": self.skipped,
            "report_due_at": iso(self.report_due_at),
            "report_ran_at": iso(self.report_ran_at),
            "followups_due_at": iso(self.followups_due_at),
            "followups_held": self.followups_held,
            "followups_released_at": iso(self.followups_released_at),
            "followups_released_by": self.followups_released_by,
            "report_sends": self.report_sends,
        }


def _state(event: Event, row: Row | None) -> WrapupState:
    if row is None:
        return WrapupState(False, None, report_due(event), None, followups_due(event),
                           event.attendance_from_export, None, None, 0)
    released = from_db(row["followups_released_at"])
    return WrapupState(
        planned=True, skipped=row["skipped"], report_due_at=from_db(row["due_at"]),
        report_ran_at=from_db(row["ran_at"]), followups_due_at=from_db(row["followups_due_at"]),
        followups_held=(released is None and event.attendance_from_export
                        and row["followups_due_at"] > row["due_at"]),
        followups_released_at=released, followups_released_by=row["followups_released_by"],
        report_sends=row["report_sends"])


async def state(store: Store, event: Event) -> WrapupState:
    return _state(event, await store.wrapups.by_event(event.id))
