"""Delivering planned mail: claim what is due, decide send or skip, send, record.

At-least-once window: a mail the relay accepted is marked sent in its own small
transaction right after; if the process dies between the relay's "250 OK" and that commit,
the row is still 'sending' and is sent again once its lease runs out. So at most one
message per open SMTP connection (WEBINAR_SMTP_CONNECTIONS, default 4) can be sent twice by
a crash, and the copy carries the same Message-ID. Rows claimed but not yet sent when the
process died are simply sent after the lease (`delivery_lease`, 60 s by default).

Every write after the claim names the claim: a pass whose lease ran out while it worked
(a slow relay) and whose row another process took over changes nothing, whatever its
outcome, and counts the row as `lost` (a late failure must not turn 'sent' back into
'pending').
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from webinar.clock import to_db
from webinar.events.model import Event
from webinar.i18n import N_
from webinar.mail.compose import UnsafeAddress
from webinar.mail.messages import Broadcast, Parts, build
from webinar.mail.transport import MailError
from webinar.organizers import invitations
from webinar.registrations.model import Registration
from webinar.runtime import Resources
from webinar.store.interface import Row, Store
from webinar.wrapup import mail as wrapup_mail
from webinar.wrapup.service import FOLLOWUP_KINDS, ORGANIZER_KINDS

log = logging.getLogger(__name__)
_ADDRESS = re.compile(r"[^\s<>@\"']+@[^\s<>@\"']+")


def redact(text: str) -> str:
    """Relay errors often quote the address; logs carry no personal data."""
    return _ADDRESS.sub("<address>", text)

STATUSES = ("pending", "sending", "sent", "failed", "skipped")
STATUS_LABELS = {
    "pending": N_("pending"), "sending": N_("sending"), "sent": N_("sent"),
    "failed": N_("failed"), "skipped": N_("skipped"),
}
KIND_LABELS = {
    "confirmation": N_("confirmation"), "waitlisted": N_("waitlist notice"),
    "promoted": N_("seat freed up"), "cancelled": N_("cancellation"),
    "reminder": N_("reminder"), "update": N_("schedule change"),
    "resend": N_("links sent again"), "event_cancelled": N_("event cancelled"),
    "invitation": N_("organizer invitation"),
    "report": N_("attendance report"), "thank_you": N_("thank-you"),
    "sorry_missed": N_("sorry we missed you"),
    "links": N_("links sent by the organizers"), "broadcast": N_("message from the organizers"),
}
# Why a mail was skipped (`skip_reason`, and the planner's `skip_pending` reasons), as
# the organizer's mail log shows them; errors from a relay are shown as the relay wrote
# them. The stored reason stays English (the API gives it as it is).
SKIP_LABELS = {
    "event gone": N_("the event was deleted"),
    "event cancelled": N_("the event was cancelled"),
    "event draft": N_("the event is a draft"),
    "registration gone": N_("the registration was deleted"),
    "registration cancelled": N_("the registration was cancelled"),
    "registration confirmed": N_("the registration is confirmed"),
    "registration waitlisted": N_("the registration is on the waitlist"),
    "superseded by a new schedule": N_("replaced by the new schedule"),
    "superseded by a newer update": N_("replaced by a newer update"),
    "event already started": N_("the event had already started"),
    "event already ended": N_("the event had already ended"),
    "registered again": N_("the person registered again"),
    "re-planned": N_("planned again"),
}
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)


@dataclass
class RunStats:
    claimed: int = 0
    sent: int = 0
    skipped: int = 0
    retried: int = 0
    failed: int = 0
    # Mails another process took over (our lease ran out) before this pass recorded them.
    lost: int = 0


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min ... at most an hour."""
    return min(FIRST_RETRY * (2 ** max(0, attempts - 1)), LONGEST_RETRY)


def skip_reason(row: Row, reg: Registration | None, event: Event | None,
                now: datetime) -> str | None:
    """Why this mail should not go out now, or None to send it."""
    kind = row["kind"]
    if kind in ORGANIZER_KINDS:
        if event is None:
            return "event gone"
        return "event cancelled" if event.status == "cancelled" else None
    if reg is None or event is None:
        return "registration gone"
    if kind == "reminder":
        if reg.status != "confirmed":
            return f"registration {reg.status}"
        if event.status != "published":
            return f"event {event.status}"
        if row["sequence"] != event.sequence:
            return "superseded by a new schedule"
        if now >= event.starts_at:
            return "event already started"
    elif kind in ("confirmation", "promoted", "update", "resend", "event_cancelled", "links",
                  "broadcast"):
        if reg.status == "cancelled":
            return "registration cancelled"
        if kind == "update" and row["sequence"] != event.sequence:
            return "superseded by a newer update"
        if kind == "update" and now >= event.ends_at:
            return "event already ended"
    elif kind == "cancelled" and reg.status != "cancelled":
        # Registered again before this went out: composed now, its CANCEL would outrank
        # the new invite and take the entry out of the calendar again.
        return "registered again"
    elif kind == "waitlisted" and reg.status != "waitlisted":
        return f"registration {reg.status}"
    elif kind in FOLLOWUP_KINDS:
        if reg.status != "confirmed":
            return f"registration {reg.status}"
        if event.status == "cancelled":
            return "event cancelled"
    return None


async def deliver_due(res: Resources, *, limit: int | None = None,
                      lease: timedelta | None = None) -> RunStats:
    """One pass: claim up to `limit` due mails and deliver them concurrently (the mailer
    bounds how many are in flight)."""
    store, now = res.store, res.now()
    lease = lease or timedelta(seconds=res.settings.delivery_lease)
    limit = limit or res.settings.delivery_batch
    claim = secrets.token_hex(8)
    async with store.transaction() as tx:
        rows = await tx.deliveries.claim_due(to_db(now), to_db(now + lease), limit, claim)
    stats = RunStats(claimed=len(rows))
    if not rows:
        return stats
    events: dict[int, Event | None] = {}
    for event_id in {r["event_id"] for r in rows}:
        row = await store.events.by_id(event_id)
        events[event_id] = Event.from_row(row) if row else None
    regs = await _registrations(store, [r["registration_id"] for r in rows])
    broadcasts = await _broadcasts(store, rows)
    pass_ = _Pass(claim=claim, lease=lease, claimed_at=now,
                  slots=asyncio.Semaphore(res.settings.smtp_connections), stats=stats)
    await asyncio.gather(*(
        _deliver_one(res, pass_, row, regs.get(row["registration_id"]), events[row["event_id"]],
                     broadcasts.get(row["detail"]) if row["kind"] == "broadcast" else None)
        for row in rows
    ))
    return stats


@dataclass
class _Pass:
    """One claim of a batch: its id, its lease, and how many mails may be in flight."""

    claim: str
    lease: timedelta
    claimed_at: datetime
    slots: asyncio.Semaphore
    stats: RunStats
    # What this pass's mails share, rendered once (messages.Parts).
    parts: Parts = field(default_factory=Parts)

    async def still_ours(self, res: Resources, delivery_id: int) -> bool:
        # A batch behind a slow relay can outlive its lease; renew it before each send
        # once half of it is gone, and give up a row another process has taken over.
        now = res.now()
        if now < self.claimed_at + self.lease / 2:
            return True
        async with res.store.transaction() as tx:
            return await tx.deliveries.renew(delivery_id, self.claim, to_db(now + self.lease))


async def _registrations(store: Store, ids: list[int]) -> dict[int, Registration]:
    rows = await store.registrations.by_ids(sorted({i for i in ids if i is not None}))
    return {r["id"]: Registration.from_row(r) for r in rows}


async def _broadcasts(store: Store, rows: list[Row]) -> dict[str, Broadcast]:
    """The organizers' messages the broadcast rows carry, by their `detail` (the id)."""
    ids = sorted({int(r["detail"]) for r in rows if r["kind"] == "broadcast"})
    return {str(b["id"]): Broadcast(b["subject"], b["body"])
            for b in await store.registrants.broadcasts_by_ids(ids)}


async def _deliver_one(res: Resources, pass_: _Pass, row: Row, reg: Registration | None,
                       event: Event | None, broadcast: Broadcast | None = None) -> None:
    store, now, stats = res.store, res.now(), pass_.stats
    invitation = None
    if row["kind"] == invitations.KIND:  # to a co-organizer, not to a registrant
        invitation, reason = await invitations.for_delivery(store, row, now)
        reason = reason or (None if event else "event gone")
    else:
        reason = skip_reason(row, reg, event, now)
    if reason is None and row["kind"] == "broadcast" and broadcast is None:
        reason = "message gone"
    if reason:
        async with store.transaction() as tx:
            kept = await tx.deliveries.mark_final(row["id"], pass_.claim, "skipped", reason,
                                                  to_db(now))
        if kept:
            stats.skipped += 1
        else:
            _lost(stats, row, "skipped")
        return
    assert event is not None  # skip_reason / for_delivery gave a reason otherwise
    # The slot is held from the claim check until 'sent' is committed: at most
    # smtp_connections mails are ever accepted by the relay without being recorded,
    # which is the crash window the module docstring promises.
    async with pass_.slots:
        try:
            if not await pass_.still_ours(res, row["id"]):
                _lost(stats, row, "not sent")
                return
            if invitation is not None:
                msg = invitations.build_mail(res, invitation, event, row["message_id"], now)
            elif broadcast is not None:
                assert reg is not None  # skip_reason gave a reason otherwise
                msg = build(res, kind=row["kind"], event=event, reg=reg,
                            message_id=row["message_id"], now=now, broadcast=broadcast,
                            parts=pass_.parts)
            else:
                msg = await wrapup_mail.message(res, row, event, reg, now, pass_.parts)
            await res.mailer.send(msg)
        except MailError as exc:
            await _record_failure(res, pass_.claim, row, str(exc)[:500],
                                  temporary=exc.temporary, stats=stats)
            return
        except UnsafeAddress as exc:  # it will not get better by waiting
            await _record_failure(res, pass_.claim, row, str(exc), temporary=False,
                                  stats=stats)
            return
        except Exception as exc:
            log.exception("could not build or send delivery %s", row["id"])
            await _record_failure(res, pass_.claim, row, f"{type(exc).__name__}: {exc}"[:500],
                                  temporary=True, stats=stats)
            return
        async with store.transaction() as tx:
            kept = await tx.deliveries.mark_sent(row["id"], pass_.claim, to_db(res.now()))
    if kept:
        stats.sent += 1
    else:
        _lost(stats, row, "sent")


def _lost(stats: RunStats, row: Row, outcome: str) -> None:
    """Our lease ran out and another process holds the row now: its record counts."""
    stats.lost += 1
    log.warning("delivery %s (%s) %s here, but another process took it over when the lease"
                " ran out; its record stands", row["id"], row["kind"], outcome)


async def _record_failure(res: Resources, claim: str, row: Row, error: str, *,
                          temporary: bool, stats: RunStats) -> None:
    now = res.now()
    attempts = row["attempts"]
    retry = temporary and attempts < MAX_ATTEMPTS
    async with res.store.transaction() as tx:
        if retry:
            kept = await tx.deliveries.mark_retry(row["id"], claim, error,
                                                  to_db(now + retry_delay(attempts)), to_db(now))
        else:
            kept = await tx.deliveries.mark_final(row["id"], claim, "failed", error, to_db(now))
    if not kept:
        _lost(stats, row, "failure")
        return
    if retry:
        stats.retried += 1
    else:
        stats.failed += 1
    log.warning("delivery %s (%s) %s: %s", row["id"], row["kind"],
                "will retry" if retry else "failed", redact(error))


async def summary(store: Store, event_id: int) -> dict[str, dict[str, int]]:
    return await store.deliveries.summary(event_id)


async def recent(store: Store, event_id: int, status: str | None, limit: int) -> list[Row]:
    return await store.deliveries.listing(event_id, status, limit)
