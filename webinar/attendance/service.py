"""Attendance, stored: join-link visits, presence intervals from every source, imports of
the platforms' exports, and `attended`/`minutes` per registration.

The rules live here (and in `intervals` for the arithmetic, `joining` for who may join);
views, the CLI and the scheduler call these functions with the store and the moment.

- A join click of a confirmed registration of an event that is not cancelled is a visit;
  inside the window (doors open .. end) it is presence without minutes. The visit row and
  its `attendance.joined` log entry are one write transaction, and nothing else is read
  or written: it is the hottest path at the start of a forum.
- Intervals carry a unique key derived from their source and content: storing the same
  one again (a re-import, a re-delivered webhook) adds nothing and logs nothing.
- An import matches rows to registrations by email only (lower-cased, stripped); rows
  without a known email are walk-ins, stored with no registration and never made into one.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from webinar.attendance import imports, intervals, joining
from webinar.attendance.imports import ParseResult, PresenceRow
from webinar.attendance.intervals import Attendance, Interval
from webinar.clock import from_db, micros_of, to_db
from webinar.events.model import Event
from webinar.outbox import log as outbox
from webinar.registrations.model import Registration
from webinar.store.interface import JoinVisit, Queries, Row, Store

NOBODY = Attendance(attended=False, minutes=0)


def in_window(event: Event, moment: datetime) -> bool:
    """Whether a moment lies in the attendance window: doors open .. end."""
    start, end = intervals.window(event.starts_at, event.ends_at, event.doors_open_minutes)
    return start <= moment < end


# --- join clicks -----------------------------------------------------------------------

async def record_join(store: Store, now: datetime, event: Event,
                      registration: Registration) -> bool:
    """Record a click on the personal join link: the visit row and its log entry in one
    transaction, committed before this returns (`Store.add_join_visit`, which may share
    that transaction with other clicks of the moment). Only a confirmed registration of an
    event that is not cancelled visits (`joining.records_visit`); returns whether a visit
    was recorded."""
    if not joining.records_visit(event, registration):
        return False
    at = to_db(now)
    await store.add_join_visit(JoinVisit(
        event_id=event.id, registration_id=registration.id, at=at,
        log_type=outbox.ATTENDANCE_JOINED,
        log_payload=_JOINED_PAYLOAD[in_window(event, now)]))
    return True


# The two log payloads of a join visit, made once.
_JOINED_PAYLOAD = {inside: json.dumps({"source": "join", "in_window": inside})
                   for inside in (False, True)}


# --- intervals (webhooks, heartbeats, check-ins) -----------------------------------------

async def record_presence(store: Store, now: datetime, event: Event, *, key: str,
                          source: str, started_at: datetime, ended_at: datetime | None = None,
                          registration_id: int | None = None, email: str | None = None,
                          name: str = "") -> bool:
    """Store one presence interval (`ended_at` None: still open) named by `key`, unique
    across sources (prefix it with the source, e.g. `zoom_webhook:<meeting>:<participant>`).
    Returns whether it was added; an existing key adds nothing and logs nothing."""
    if ended_at is not None and ended_at < started_at:
        ended_at = started_at
    async with store.transaction() as tx:
        interval_id = await tx.attendance.insert_interval(
            key=key, event_id=event.id, registration_id=registration_id,
            email=_identity_email(email), name=name, source=source,
            started_at=to_db(started_at), ended_at=None if ended_at is None else to_db(ended_at),
            now=to_db(now))
        if interval_id is None:
            return False
        await outbox.append(tx, outbox.ATTENDANCE_JOINED, at=now, event_id=event.id,
                            registration_id=registration_id,
                            payload={"source": source, "interval": interval_id,
                                     "started_at": to_db(started_at)})
        if ended_at is not None:
            await outbox.append(tx, outbox.ATTENDANCE_LEFT, at=now, event_id=event.id,
                                registration_id=registration_id,
                                payload={"source": source, "interval": interval_id,
                                         "ended_at": to_db(ended_at)})
    return True


async def close_presence(store: Store, now: datetime, *, key: str,
                         ended_at: datetime) -> bool:
    """Close the open interval named by `key` at `ended_at` (never before its start).
    Returns whether one was closed; an interval already closed (a re-delivered `left`) or
    never opened changes nothing and logs nothing."""
    async with store.transaction() as tx:
        row = await tx.attendance.close_interval(key, to_db(ended_at))
        if row is None:
            return False
        await outbox.append(tx, outbox.ATTENDANCE_LEFT, at=now, event_id=row["event_id"],
                            registration_id=row["registration_id"],
                            payload={"source": row["source"], "interval": row["id"],
                                     "ended_at": row["ended_at"]})
    return True


HEARTBEAT = "heartbeat"
# A beat this soon after the last one extends its interval; a later one starts a new one.
# The watch page beats every minute: one lost beat (a slow phone) does not cut the span.
HEARTBEAT_GAP = timedelta(seconds=150)


async def record_heartbeat(store: Store, now: datetime, event: Event,
                           registration: Registration) -> bool:
    """A beat of the watch page: the person is there now. Inside the window, and only for
    a registration whose clicks count (`joining.records_visit`), it extends the
    registration's heartbeat interval whose last beat was at most HEARTBEAT_GAP ago, or
    starts a new (closed, zero-length) one that later beats extend. Intervals are stored
    closed at the last beat, so a closed tab stops adding minutes. Only a new interval is
    logged (`attendance.joined`); an extension is not. Returns whether it was presence."""
    if not joining.records_visit(event, registration) or not in_window(event, now):
        return False
    stamp = to_db(now)
    async with store.transaction() as tx:
        if await tx.attendance.extend_heartbeat(registration.id, to_db(now - HEARTBEAT_GAP),
                                                stamp):
            return True
        interval_id = await tx.attendance.insert_interval(
            key=f"{HEARTBEAT}:{registration.id}:{stamp}", event_id=event.id,
            registration_id=registration.id, email=_identity_email(registration.email),
            name="", source=HEARTBEAT, started_at=stamp, ended_at=stamp, now=stamp)
        if interval_id is not None:
            await outbox.append(tx, outbox.ATTENDANCE_JOINED, at=now, event_id=event.id,
                                registration_id=registration.id,
                                payload={"source": HEARTBEAT, "interval": interval_id,
                                         "started_at": stamp})
    return True


# --- imports ---------------------------------------------------------------------------

@dataclass
class ImportOutcome:
    """What an import read and stored: the contract's answer (`as_dict`)."""

    source: str
    rows: int = 0
    matched: int = 0
    walk_ins: int = 0
    intervals_added: int = 0
    outside_window: int = 0
    skipped: list[imports.Skipped] = field(default_factory=list)

    def as_dict(self, translate=None) -> dict[str, object]:
        """The answer; `translate` (a gettext) puts the skip reasons in the reader's
        language."""
        def tr(text: str) -> str:
            return translate(text) if translate else text
        return {"source": self.source, "rows": self.rows, "matched": self.matched,
                "walk_ins": self.walk_ins, "intervals_added": self.intervals_added,
                "skipped": [{"line": s.line, "reason": tr(s.reason)} for s in self.skipped],
                "outside_window": self.outside_window}


def _identity_email(value: str | None) -> str | None:
    text = (value or "").strip().lower()
    return text or None


def _local_date(event: Event, timezone: str) -> date:
    """The event's date in the zone the export's times are read in (Meet's rows)."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = event.zone  # the parser refuses the zone itself, with its own message
    return event.starts_at.astimezone(zone).date()


def _import_key(event: Event, platform: str, who: str, row: PresenceRow) -> str:
    """Names an imported interval by what it is, so the same file (or another export of
    the same platform holding the same span) adds nothing the second time."""
    end = "" if row.end is None else to_db(row.end)
    text = "\x1f".join((str(event.id), platform, who, to_db(row.start), end))
    return f"import:{platform}:" + hashlib.sha256(text.encode()).hexdigest()[:40]


def _walk_in_identity(row: PresenceRow) -> str:
    email = _identity_email(row.email)
    return f"email:{email}" if email else "name:" + " ".join(row.name.casefold().split())


async def import_export(store: Store, now: datetime, event: Event, data: bytes,
                        source: str | None = None,
                        timezone: str | None = None) -> ImportOutcome:
    """Read a platform's attendance export and store its presence intervals, matched to
    the event's registrations by email. Times without an offset are read in `timezone`
    (default: the event's), Meet's clock times on the event's date there. One transaction
    and one `attendance.imported` log entry. Raises `imports.ImportProblem` (a file that is
    not an export, an unknown source or zone) before anything is stored."""
    zone = timezone or event.timezone
    result: ParseResult = imports.parse(data, timezone=zone, local_date=_local_date(event, zone),
                                        source=source)
    platform = result.platform
    outcome = ImportOutcome(source=result.source, rows=len(result.rows),
                            skipped=list(result.skipped))
    window_start, window_end = intervals.window(event.starts_at, event.ends_at,
                                                event.doors_open_minutes)
    walk_ins: set[str] = set()
    stamp = to_db(now)
    async with store.transaction() as tx:
        by_email = {r["email"]: r["id"]
                    for r in await tx.attendance.registrations_by_email(event.id)}
        for row in result.rows:
            emails = [e for e in (_identity_email(row.email), _identity_email(row.alt_email))
                      if e]
            registration_id = next((by_email[e] for e in emails if e in by_email), None)
            if registration_id is not None:
                outcome.matched += 1
                who = f"email:{emails[0]}"
            else:
                who = _walk_in_identity(row)
                walk_ins.add(who)
            if not intervals.clip([Interval(row.start, row.end)], window_start, window_end):
                outcome.outside_window += 1
            added = await tx.attendance.insert_interval(
                key=_import_key(event, platform, who, row), event_id=event.id,
                registration_id=registration_id, email=emails[0] if emails else None,
                name=row.name, source=platform, started_at=to_db(row.start),
                ended_at=None if row.end is None else to_db(row.end), now=stamp)
            if added is not None:
                outcome.intervals_added += 1
        outcome.walk_ins = len(walk_ins)
        await outbox.append(tx, outbox.ATTENDANCE_IMPORTED, at=now, event_id=event.id,
                            payload={"source": outcome.source, "rows": outcome.rows,
                                     "matched": outcome.matched, "walk_ins": outcome.walk_ins,
                                     "intervals_added": outcome.intervals_added,
                                     "skipped": len(outcome.skipped),
                                     "outside_window": outcome.outside_window})
    return outcome


# --- attended and minutes --------------------------------------------------------------

def _interval(row: Row) -> Interval:
    return Interval(from_db(row["started_at"]), from_db(row["ended_at"]))


def _assess(event: Event, spans: Iterable[Interval], clicks: Iterable[datetime],
            now: datetime | None) -> Attendance:
    start, end = intervals.window(event.starts_at, event.ends_at, event.doors_open_minutes)
    return intervals.assess(spans, clicks, window_start=start, window_end=end,
                            min_minutes_attended=event.min_minutes_attended, now=now)


# attendance_of reads an id range when the ids fill at least 1/SPREAD of it, else by id.
SPREAD = 4


async def attendance_of(store: Store, event: Event, registration_ids: list[int],
                        now: datetime | None = None) -> dict[int, Attendance]:
    """`attended` and `minutes` of each of these registrations of the event (a page of
    the registrations list): two range reads for the whole page, not one per person.
    `now` ends the intervals still open (None: at the end of the window)."""
    if not registration_ids:
        return {}
    first, last = min(registration_ids), max(registration_ids)
    if last - first + 1 <= SPREAD * len(registration_ids):
        interval_rows = await store.attendance.intervals_between(event.id, first, last)
        visit_rows = await store.attendance.visits_between(event.id, first, last)
    else:  # a page in another order (by name ...): the range would be the whole event
        interval_rows = await store.attendance.intervals_of(event.id, registration_ids)
        visit_rows = await store.attendance.visits_of(event.id, registration_ids)
    spans: dict[int, list[Interval]] = defaultdict(list)
    for row in interval_rows:
        spans[row["registration_id"]].append(_interval(row))
    clicks: dict[int, list[datetime]] = defaultdict(list)
    for row in visit_rows:
        clicks[row["registration_id"]].append(from_db(row["at"]))
    out: dict[int, Attendance] = {}
    for reg_id in registration_ids:
        if reg_id in spans or reg_id in clicks:
            out[reg_id] = _assess(event, spans.get(reg_id, ()), clicks.get(reg_id, ()), now)
        else:
            out[reg_id] = NOBODY
    return out


@dataclass(frozen=True)
class EventAttendance:
    """Everyone the event saw: registrations by id, walk-ins by identity (email, or name
    when the platform gave none), each with `attended` and `minutes`; and the timeline
    (`intervals.present_per_minute`'s) of everyone in the room, registered people of any
    status and walk-ins alike."""

    registrations: dict[int, Attendance]
    walk_ins: dict[str, Attendance]
    timeline: list[dict[str, object]] = field(default_factory=list)


async def event_attendance(store: Queries, event: Event,
                           now: datetime | None = None) -> EventAttendance:
    """The whole event's attendance (for the report and the wrap-up): the registrations'
    intervals in registration and start order, clipped and counted in one linear pass
    on integer microseconds (`intervals.assess_ordered`), their timeline built in the
    same pass; the walk-ins' few intervals grouped by identity."""
    window_start, window_end = (intervals.micros(moment) for moment in intervals.window(
        event.starts_at, event.ends_at, event.doors_open_minutes))
    limit = None if now is None else intervals.micros(now)
    counts = intervals.MinuteCounts.of_window(window_start, window_end)
    registrations = await _registrations_attendance(store, event, window_start, window_end,
                                                    limit, counts)
    walk_in_spans: dict[str, list[intervals.Span]] = defaultdict(list)
    for email, name, start, end in await store.attendance.walk_in_presence(event.id):
        who = f"email:{email}" if email else "name:" + " ".join(name.casefold().split())
        walk_in_spans[who].append((start, end))  # microseconds; end None while open
    no_clicks: dict[str, list[int]] = {}
    walk_ins, walk_ins_in_room = intervals.assess_people(
        walk_in_spans, no_clicks, window_start=window_start, window_end=window_end,
        min_minutes_attended=event.min_minutes_attended, now=limit)
    for spans in walk_ins_in_room:
        counts.add(spans)
    return EventAttendance(registrations=registrations, walk_ins=walk_ins,
                           timeline=counts.points())


async def registrations_attendance(store: Queries, event: Event,
                                   now: datetime | None = None) -> dict[int, Attendance]:
    """`event_attendance(...).registrations` without the walk-ins and the timeline (the
    registrants table's filter and sort by attendance)."""
    window_start, window_end = (intervals.micros(moment) for moment in intervals.window(
        event.starts_at, event.ends_at, event.doors_open_minutes))
    limit = None if now is None else intervals.micros(now)
    return await _registrations_attendance(store, event, window_start, window_end, limit,
                                           None)


async def _registrations_attendance(store: Queries, event: Event, window_start: int,
                                    window_end: int, limit: int | None,
                                    counts: intervals.MinuteCounts | None
                                    ) -> dict[int, Attendance]:
    """Every registration with an interval or a join click, by the one rule; their
    clipped spans added to `counts` when given. Two reads: the intervals in registration
    and start order, and one row per registration that clicked."""
    rows = await store.attendance.registered_presence(event.id)  # times in microseconds
    clicks = dict(await store.attendance.visit_flags(
        event.id, to_db(intervals.from_micros(window_start)),
        to_db(intervals.from_micros(window_end))))
    found = intervals.assess_ordered(
        rows, clicks, window_start=window_start,
        window_end=window_end, min_minutes_attended=event.min_minutes_attended, now=limit,
        counts=counts)
    if found is not None:
        return found
    # Not in start order (times stored in another form): group, sort and clip per person.
    spans: dict[int, list[intervals.Span]] = defaultdict(list)
    for owner, start, end in rows:
        spans[owner].append((start, end))
    visits = await store.attendance.event_visit_times(event.id)
    times: dict[int, list[int]] = defaultdict(list)
    for registration_id, at in visits:
        times[registration_id].append(micros_of(at))
    found, in_room = intervals.assess_people(
        spans, times, window_start=window_start, window_end=window_end,
        min_minutes_attended=event.min_minutes_attended, now=limit)
    if counts is not None:
        counts.changes[:] = [0] * len(counts.changes)  # spoilt by the first pass
        for clipped in in_room:
            counts.add(clipped)
    return found
