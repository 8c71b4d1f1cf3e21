"""Presence intervals and their arithmetic: the rules behind `minutes`, `attended` and the
report's timeline, as pure functions (no database, no clock: `now` is passed in).

The window of an event runs from `doors_open_minutes` before the start to the end
(`window`). Minutes are the whole minutes, rounded down, of the union of a person's
intervals inside the window; overlapping or touching intervals (two devices, a rejoin the
same second) count once. An interval whose end is None is still open: it ends at
min(now, window end), or at the window end when no `now` is given (an import whose last
"left" is missing). A join click is presence without minutes (`attended`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class Interval:
    """A span of presence, in UTC; `end` None = still open."""

    start: datetime
    end: datetime | None = None

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or (self.end is not None and self.end.tzinfo is None):
            raise ValueError("Interval times must be timezone-aware")
        if self.start.tzinfo is not UTC:  # the store's times are UTC already: no copy
            object.__setattr__(self, "start", self.start.astimezone(UTC))
        if self.end is not None:
            if self.end.tzinfo is not UTC:
                object.__setattr__(self, "end", self.end.astimezone(UTC))
            if self.end < self.start:
                raise ValueError("Interval ends before it starts")

    @property
    def is_open(self) -> bool:
        return self.end is None

    def duration(self) -> timedelta:
        """Length of a closed interval (an open one has none yet)."""
        if self.end is None:
            raise ValueError("An open interval has no duration yet")
        return self.end - self.start


def window(starts_at: datetime, ends_at: datetime,
           doors_open_minutes: int) -> tuple[datetime, datetime]:
    """The attendance window: doors open (`doors_open_minutes` before the start) .. end."""
    return starts_at - timedelta(minutes=doors_open_minutes), ends_at


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """The union, in start order: overlapping and touching intervals become one; an open
    interval swallows every interval that starts after it."""
    ordered = sorted(intervals, key=lambda i: i.start)
    merged: list[Interval] = []
    for item in ordered:
        if merged:
            last = merged[-1]
            if last.end is None:
                continue
            if item.start <= last.end:
                end = None if item.end is None else max(last.end, item.end)
                merged[-1] = Interval(last.start, end)
                continue
        merged.append(item)
    return merged


def clip(intervals: Iterable[Interval], window_start: datetime, window_end: datetime,
         now: datetime | None = None) -> list[Interval]:
    """The union of the intervals cut to the window, all closed: an open interval ends
    at min(now, window_end). Intervals outside the window disappear; an instant (start ==
    end, e.g. a Meet row of a few seconds) inside the window is kept."""
    limit = window_end if now is None else min(now, window_end)
    closed = [Interval(i.start, limit if i.end is None else i.end) for i in intervals
              if i.end is not None or i.start <= limit]  # an open one starting after `now`: not yet
    clipped: list[Interval] = []
    for item in merge(closed):
        assert item.end is not None
        if item.end == item.start:  # an instant: inside the window or not at all
            if window_start <= item.start < window_end:
                clipped.append(item)
            continue
        start, end = max(item.start, window_start), min(item.end, window_end)
        if start < end:  # a real overlap, not an interval touching the window's edge
            clipped.append(Interval(start, end))
    return clipped


def minutes(intervals: Iterable[Interval], window_start: datetime, window_end: datetime,
            now: datetime | None = None) -> int:
    """Whole minutes, rounded down, of the union of the intervals inside the window."""
    total = sum((i.duration() for i in clip(intervals, window_start, window_end, now)),
                timedelta())
    return total // MINUTE


def present(intervals: Iterable[Interval], window_start: datetime, window_end: datetime,
            now: datetime | None = None) -> bool:
    """Whether any interval lies (at least for an instant) inside the window."""
    return bool(clip(intervals, window_start, window_end, now))


def clicked_in_window(clicks: Iterable[datetime], window_start: datetime,
                      window_end: datetime) -> bool:
    """Whether any join click (or manual check-in) falls inside the window."""
    return any(window_start <= moment < window_end for moment in clicks)


def attended(*, minutes: int, min_minutes_attended: int, joined: bool = False,
             present: bool = False) -> bool:
    """The one rule: present inside the window, from any source, for at least
    `min_minutes_attended` minutes. `joined` is a join click (or check-in) inside the
    window, `present` an interval inside the window (`present()`), `minutes` the result
    of `minutes()`. A click alone is presence without minutes, so it counts only when the
    organizer asks for 0 minutes."""
    if not (joined or present or minutes > 0):
        return False
    return minutes >= min_minutes_attended


@dataclass(frozen=True)
class Attendance:
    attended: bool
    minutes: int


def assess(intervals: Iterable[Interval], clicks: Iterable[datetime], *,
           window_start: datetime, window_end: datetime, min_minutes_attended: int,
           now: datetime | None = None) -> Attendance:
    """`attended` and `minutes` of one person from their intervals and join clicks."""
    spans = clip(intervals, window_start, window_end, now)
    total = sum((i.duration() for i in spans), timedelta()) // MINUTE
    return Attendance(
        attended=attended(minutes=total, min_minutes_attended=min_minutes_attended,
                          joined=clicked_in_window(clicks, window_start, window_end),
                          present=bool(spans)),
        minutes=total,
    )


def _iso_minute(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def present_per_minute(people_intervals: Mapping[object, Iterable[Interval]]
                       | Iterable[Iterable[Interval]],
                       window_start: datetime, window_end: datetime,
                       now: datetime | None = None) -> list[dict[str, object]]:
    """The report's timeline: `[{minute, present}]`, one entry a minute (UTC ISO, on the
    clock's minute boundary) from doors open to the end, `present` counting the people
    with an interval in that minute (overlapping it, or an instant inside it). Each
    person counts once a minute however many devices they used."""
    base = window_start.astimezone(UTC).replace(second=0, microsecond=0)
    count = max(0, -((base - window_end) // MINUTE))  # ceil: a last partial minute counts
    # A difference array: +1 where a person's run of minutes starts, -1 after it ends, so
    # the work is linear in the intervals, not in the minutes they cover.
    changes = [0] * (count + 1)
    groups = people_intervals.values() if isinstance(people_intervals, Mapping) \
        else people_intervals
    for person in groups:
        covered_to = -1  # the last minute already counted for this person
        for span in clip(person, window_start, window_end, now):  # in order, disjoint
            assert span.end is not None  # clip closes every interval
            first = (span.start - base) // MINUTE
            if span.end == span.start:
                last = first
            else:
                last = -((base - span.end) // MINUTE) - 1  # ceil, minus one
            first, last = max(first, covered_to + 1, 0), min(last, count - 1)
            if first <= last:
                changes[first] += 1
                changes[last + 1] -= 1
                covered_to = last
    timeline, present = [], 0
    for index in range(count):
        present += changes[index]
        timeline.append({"minute": _iso_minute(base + index * MINUTE), "present": present})
    return timeline
