"""The mail planner: consumes the event log and plans the mail each change calls for.

It runs as a consumer with its own cursor; what it writes (deliveries rows) and the cursor
move are committed together, and every planned mail has a unique key, so running it twice,
in two processes, or again after a crash, plans each mail once.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from webinar.clock import from_db, to_db
from webinar.events.model import Event
from webinar.mail.reminders import due_reminders, reminder_key
from webinar.outbox import log as outbox
from webinar.outbox.consumer import consume
from webinar.store.interface import Row, Store, Transaction

CONSUMER = "mail-planner"
RESEND_INTERVAL = timedelta(hours=1)
STILL_REGISTERED = ("confirmed", "waitlisted")


def message_id(key: str, domain: str) -> str:
    """Stable per planned mail: a copy sent twice (see the crash window) carries the same
    Message-ID, which mail clients use to show it once."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<{digest}@{domain}>"


_REGISTRATION_ENTRIES = (outbox.REGISTRATION_CREATED, outbox.REGISTRATION_PROMOTED,
                         outbox.REGISTRATION_CANCELLED, outbox.REGISTRATION_DUPLICATE)


class Planner:
    def __init__(self, tx: Transaction, now: datetime, domain: str):
        self.tx, self.now, self.domain = tx, now, domain
        self._events: dict[int, Event] = {}

    async def event(self, event_id: int) -> Event | None:
        if event_id not in self._events:
            row = await self.tx.events.by_id(event_id)
            if row is None:
                return None
            self._events[event_id] = Event.from_row(row)
        return self._events[event_id]

    async def plan(self, key: str, kind: str, event: Event, reg: Row, due: datetime,
                   detail: str = "") -> None:
        await self.tx.deliveries.plan(key=key, kind=kind, event_id=event.id,
                       registration_id=reg["id"], recipient=reg["email"], due_at=to_db(due),
                       message_id=message_id(key, self.domain), now=to_db(self.now),
                       detail=detail, sequence=event.sequence)

    async def plan_reminders(self, event: Event, reg: Row, since: datetime) -> None:
        for label, due in due_reminders(event, since):
            key = reminder_key(reg["id"], label, event.sequence)
            await self.plan(key, "reminder", event, reg, due, detail=label)
            await self.tx.deliveries.revive_skipped(key, to_db(due), to_db(self.now))

    async def handle(self, entry: outbox.LogEntry) -> None:
        at = from_db(entry.created_at)
        event = await self.event(entry.event_id) if entry.event_id else None
        if event is None:
            return
        kind = entry.type
        if kind in _REGISTRATION_ENTRIES:
            reg = (await self.tx.registrations.by_id(entry.registration_id)
                   if entry.registration_id else None)
            if reg is not None:
                await self.handle_registration(entry, event, reg, at)
        elif kind == outbox.EVENT_RESCHEDULED:
            await self.replan(event, entry, notify=bool(entry.payload.get("moved")))
        elif kind == outbox.EVENT_CANCELLED:
            await self.tx.deliveries.skip_pending(reason="event cancelled", now=to_db(self.now),
                                   event_id=event.id, kind="reminder")
            for row in await self.tx.registrations.with_status(event.id, STILL_REGISTERED):
                await self.plan(f"event_cancelled:{row['id']}:{entry.id}", "event_cancelled",
                                event, row, at)

    async def handle_registration(self, entry: outbox.LogEntry, event: Event, reg: Row,
                                  at: datetime) -> None:
        kind = entry.type
        if kind == outbox.REGISTRATION_CREATED:
            if entry.payload.get("status") == "confirmed":
                await self.plan(f"confirmation:{reg['id']}:{entry.id}", "confirmation",
                                event, reg, at)
                await self.plan_reminders(event, reg, at)
            else:
                await self.plan(f"waitlisted:{reg['id']}:{entry.id}", "waitlisted",
                                event, reg, at)
        elif kind == outbox.REGISTRATION_PROMOTED:
            await self.plan(f"promoted:{reg['id']}:{entry.id}", "promoted", event, reg, at)
            await self.plan_reminders(event, reg, at)
        elif kind == outbox.REGISTRATION_CANCELLED:
            await self.tx.deliveries.skip_pending(reason="registration cancelled",
                                   now=to_db(self.now), event_id=event.id,
                                   registration_id=reg["id"], kind="reminder")
            await self.plan(f"cancelled:{reg['id']}:{entry.id}", "cancelled", event, reg, at)
        elif kind == outbox.REGISTRATION_DUPLICATE:
            last = from_db(await self.tx.deliveries.last_created(reg["id"], "resend"))
            if last is None or at - last >= RESEND_INTERVAL:
                await self.plan(f"resend:{reg['id']}:{entry.id}", "resend", event, reg, at)

    async def registered_before(self, event: Event, entry: outbox.LogEntry,
                                statuses: tuple[str, ...]) -> list[Row]:
        """Registrations (in `statuses` now) that signed up before this log entry. The
        planner may reach the entry after later sign-ups: those are planned from their own
        registration.created entries, against the event as it is by then."""
        return await self.tx.registrations.with_status_registered_before(
            event.id, statuses, entry.id, outbox.REGISTRATION_CREATED)

    async def replan(self, event: Event, entry: outbox.LogEntry, notify: bool) -> None:
        """New start or new offsets: pending reminders are replaced by ones for the new
        schedule; with a move, everyone registered at the time hears of it."""
        at = from_db(entry.created_at)
        await self.tx.deliveries.skip_pending(reason="re-planned", now=to_db(self.now),
                               event_id=event.id, kind="reminder")
        for reg in await self.registered_before(event, entry, ("confirmed",)):
            since = max(at, from_db(reg["confirmed_at"]) or at)
            await self.plan_reminders(event, reg, since)
        if notify and event.status == "published":
            for reg in await self.registered_before(event, entry, STILL_REGISTERED):
                await self.plan(f"update:{reg['id']}:s{event.sequence}", "update", event, reg, at)


PLAN_BATCH = 500


async def plan_from_log(store: Store, now: datetime, domain: str,
                        batch: int = PLAN_BATCH) -> int:
    """Plan the mail for the log entries after this consumer's cursor. Returns how many."""
    return await consume(store, CONSUMER, now,
                         lambda tx: Planner(tx, now, domain).handle, batch)
