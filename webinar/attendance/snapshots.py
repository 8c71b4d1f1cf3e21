"""Whole-event attendance of the registrations, kept between requests.

The organizers' registrants table filters by `attended` and sorts by `minutes`; both need
every registration's attendance (`service.registrations_attendance`: about a second of
CPU at 100,000 registrations). A `Snapshot` is computed once and kept, with the order the
minutes sort needs already made, keyed by:
- the event's window and minimum (an edit of the event changes them), and
- the event's last entry in the event log, read on every use: every attendance change
  (join, leave, import, check-in, webhook) logs one with the event's id; a heartbeat's
  extension does not, so
- while the event can still gain minutes (before its window's end) a snapshot is kept at
  most `LIVE_TTL`.

One `AttendanceSnapshots` per process (`Resources.attendance`). With `serve --workers N`
each process keeps its own and each checks the database's position on every use, so none
answers from a snapshot that another process's write has made stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from webinar.attendance import intervals
from webinar.attendance import service as attendance_service
from webinar.attendance.intervals import Attendance
from webinar.events.model import Event
from webinar.store.interface import Store

LIVE_TTL = timedelta(seconds=15)
KEEP = 8  # events at once: the few an organizer team has open in its tabs


@dataclass(frozen=True)
class Snapshot:
    """`attendance`: every registration with any presence or join click (the others
    attended nothing). `by_minutes`: the ids with minutes > 0 ordered by (minutes, id);
    `attended_without_minutes`: the ids that attended with 0 minutes (a click or a
    check-in), by id. Together they give the minutes order without sorting again."""

    attendance: dict[int, Attendance]
    by_minutes: list[int]
    attended_without_minutes: list[int]

    @classmethod
    def of(cls, attendance: dict[int, Attendance]) -> Snapshot:
        with_minutes = [i for i, a in attendance.items() if a.minutes > 0]
        with_minutes.sort(key=lambda i: (attendance[i].minutes, i))
        clicked = sorted(i for i, a in attendance.items() if a.attended and a.minutes == 0)
        return cls(attendance, with_minutes, clicked)


@dataclass(frozen=True)
class _Kept:
    key: tuple[object, ...]
    until: datetime | None  # None: good while the key holds
    snapshot: Snapshot


class AttendanceSnapshots:
    """The last `KEEP` events' snapshots of this process."""

    def __init__(self, keep: int = KEEP) -> None:
        self._keep = keep
        self._kept: dict[int, _Kept] = {}

    async def of(self, store: Store, event: Event, now: datetime) -> Snapshot:
        position = await store.registrants.log_position(event.id)
        key = (event.starts_at, event.ends_at, event.doors_open_minutes,
               event.min_minutes_attended, position)
        kept = self._kept.get(event.id)
        if kept is not None and kept.key == key and (kept.until is None or now < kept.until):
            return kept.snapshot
        snapshot = Snapshot.of(
            await attendance_service.registrations_attendance(store, event, now))
        _start, window_end = intervals.window(event.starts_at, event.ends_at,
                                              event.doors_open_minutes)
        self._kept.pop(event.id, None)
        self._kept[event.id] = _Kept(key, None if now >= window_end else now + LIVE_TTL,
                                     snapshot)
        while len(self._kept) > self._keep:  # the least recently computed goes
            self._kept.pop(next(iter(self._kept)))
        return snapshot
