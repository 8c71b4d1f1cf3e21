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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import chain
from typing import TypeVar

from webinar.clock import EPOCH, MICROSECOND, micros  # noqa: F401 (intervals.micros for callers)

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


# --- the arithmetic, on integer microseconds since the epoch (UTC) ------------------------
# The rules below run on plain integers so that a report of 100,000 people does not build
# and compare a million datetime objects; the datetime functions (`clip`, `minutes`,
# `present`, `assess`, `present_per_minute`) convert and call them, so there is one rule.

MINUTE_US = 60_000_000

Span = tuple[int, int | None]  # (start, end or None = open), microseconds
K = TypeVar("K")


def from_micros(value: int) -> datetime:
    return EPOCH + value * MICROSECOND


def clip_spans(spans: Iterable[Span], window_start: int, window_end: int,
               now: int | None = None) -> list[tuple[int, int]]:
    """`clip` on microseconds: the union of the spans cut to the window, in order, all
    closed (an open span ends at min(now, window_end); one starting after that is not
    there yet); an instant inside the window is kept."""
    limit = window_end if now is None else min(now, window_end)
    closed = []
    for start, end in spans:
        if end is None:
            if start > limit:
                continue
            end = limit
        elif end < start:
            raise ValueError("Interval ends before it starts")
        closed.append((start, end))
    if len(closed) > 1:
        closed.sort()
    clipped: list[tuple[int, int]] = []
    index, count = 0, len(closed)
    while index < count:
        start, end = closed[index]
        index += 1
        while index < count and closed[index][0] <= end:  # overlapping or touching: one
            if closed[index][1] > end:
                end = closed[index][1]
            index += 1
        if end == start:  # an instant: inside the window or not at all
            if window_start <= start < window_end:
                clipped.append((start, end))
            continue
        # Cut to the window (plain comparisons: this runs for every person of a report).
        if start < window_start:
            start = window_start
        if end > window_end:
            end = window_end
        if start < end:  # a real overlap, not an interval touching the window's edge
            clipped.append((start, end))
    return clipped


def assess_spans(spans: Iterable[Span], clicks: Iterable[int], *, window_start: int,
                 window_end: int, min_minutes_attended: int, now: int | None = None
                 ) -> tuple[Attendance, list[tuple[int, int]]]:
    """`assess` on microseconds; also gives the clipped spans (for the timeline)."""
    found, in_room = assess_people({0: list(spans)}, {0: list(clicks)},
                                   window_start=window_start, window_end=window_end,
                                   min_minutes_attended=min_minutes_attended, now=now)
    return found[0], (in_room[0] if in_room else [])


def assess_people(spans: Mapping[K, Sequence[Span]], clicks: Mapping[K, Sequence[int]], *,
                  window_start: int, window_end: int, min_minutes_attended: int,
                  now: int | None = None
                  ) -> tuple[dict[K, Attendance], list[list[tuple[int, int]]]]:
    """`assess` for many people at once, on microseconds: everyone in `spans` or `clicks`
    with their Attendance, and the clipped spans of those with any (for `timeline`), each
    person's intervals clipped once. One loop for a whole event: a report of 100,000
    people spends its time here."""
    found: dict[K, Attendance] = {}
    in_room: list[list[tuple[int, int]]] = []
    no_spans: Sequence[Span] = ()
    no_clicks: Sequence[int] = ()
    for who in spans.keys() | clicks.keys():
        clipped = clip_spans(spans.get(who, no_spans), window_start, window_end, now)
        total = 0
        for start, end in clipped:
            total += end - start
        total //= MINUTE_US
        joined = False
        for moment in clicks.get(who, no_clicks):
            if window_start <= moment < window_end:
                joined = True
                break
        if clipped:
            in_room.append(clipped)
        found[who] = _attendance(attended(minutes=total,
                                          min_minutes_attended=min_minutes_attended,
                                          joined=joined, present=bool(clipped)), total)
    return found, in_room


_SHARED: dict[tuple[bool, int], Attendance] = {}


def _attendance(attended: bool, minutes: int) -> Attendance:
    """An Attendance, shared between the many people with the same values (it is
    immutable): a report does not build 100,000 of them."""
    key = (attended, minutes)
    result = _SHARED.get(key)
    if result is None:
        result = Attendance(attended=attended, minutes=minutes)
        if len(_SHARED) < 100_000:
            _SHARED[key] = result
    return result


def _spans(intervals: Iterable[Interval]) -> list[Span]:
    return [(micros(i.start), None if i.end is None else micros(i.end)) for i in intervals]


def clip(intervals: Iterable[Interval], window_start: datetime, window_end: datetime,
         now: datetime | None = None) -> list[Interval]:
    """The union of the intervals cut to the window, all closed: an open interval ends
    at min(now, window_end). Intervals outside the window disappear; an instant (start ==
    end, e.g. a Meet row of a few seconds) inside the window is kept."""
    return [Interval(from_micros(start), from_micros(end)) for start, end in clip_spans(
        _spans(intervals), micros(window_start), micros(window_end),
        None if now is None else micros(now))]


def minutes(intervals: Iterable[Interval], window_start: datetime, window_end: datetime,
            now: datetime | None = None) -> int:
    """Whole minutes, rounded down, of the union of the intervals inside the window."""
    spans = clip_spans(_spans(intervals), micros(window_start), micros(window_end),
                       None if now is None else micros(now))
    return sum(end - start for start, end in spans) // MINUTE_US


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
    result, _clipped = assess_spans(
        _spans(intervals), [micros(c) for c in clicks], window_start=micros(window_start),
        window_end=micros(window_end), min_minutes_attended=min_minutes_attended,
        now=None if now is None else micros(now))
    return result


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
    groups = people_intervals.values() if isinstance(people_intervals, Mapping) \
        else people_intervals
    start, end = micros(window_start), micros(window_end)
    limit = None if now is None else micros(now)
    return timeline((clip_spans(_spans(person), start, end, limit) for person in groups),
                    start, end)


def timeline(clipped_people: Iterable[Sequence[tuple[int, int]]], window_start: int,
             window_end: int) -> list[dict[str, object]]:
    """`present_per_minute` from each person's clipped spans (`clip_spans`, in order and
    disjoint), on microseconds: a sweep over a difference array (`MinuteCounts`), so the
    work is linear in the spans, not in the minutes they cover."""
    counts = MinuteCounts.of_window(window_start, window_end)
    for spans in clipped_people:
        counts.add(spans)
    return counts.points()


@dataclass
class MinuteCounts:
    """The timeline being built: a difference array over the window's clock minutes, +1
    where a person's run of minutes starts and -1 after it ends."""

    base: int  # the clock minute (UTC) of the window's start, microseconds
    count: int  # minutes from there to the window's end (a last partial minute counts)
    changes: list[int]

    @classmethod
    def of_window(cls, window_start: int, window_end: int) -> MinuteCounts:
        base = window_start - window_start % MINUTE_US
        count = max(0, -((base - window_end) // MINUTE_US))  # ceil
        return cls(base, count, [0] * (count + 1))

    def add(self, spans: Iterable[tuple[int, int]]) -> None:
        """One person's clipped spans (in order, disjoint): each minute once."""
        base, changes = self.base, self.changes
        covered_to = -1  # the last minute already counted for this person
        for span_start, span_end in spans:
            first = (span_start - base) // MINUTE_US
            if span_end == span_start:
                last = first
            else:
                last = -((base - span_end) // MINUTE_US) - 1  # ceil, minus one
            first, last = max(first, covered_to + 1, 0), min(last, self.count - 1)
            if first <= last:
                changes[first] += 1
                changes[last + 1] -= 1
                covered_to = last

    def points(self) -> list[dict[str, object]]:
        points, present = [], 0
        base_moment = from_micros(self.base)
        for index in range(self.count):
            present += self.changes[index]
            points.append({"minute": _iso_minute(base_moment + index * MINUTE),
                           "present": present})
        return points


def assess_ordered(rows: Iterable[tuple[int, int, int | None]],
                   clicks: Mapping[int, object], *,
                   window_start: int, window_end: int, min_minutes_attended: int,
                   now: int | None = None, counts: MinuteCounts | None = None
                   ) -> dict[int, Attendance] | None:
    """`assess_people` (and `MinuteCounts.add` of everyone's clipped spans, when `counts`
    is given) in one linear pass over intervals ordered by owner, then start: each row
    is (owner, start, end or None while still open), in microseconds, taken
    as the store gives them (no copy into columns: 300,000 rows). `clicks` maps each
    owner with a join click to whether one is inside the window. The same rule as
    `clip_spans` and `attended`, inlined: a report of 100,000 people and 300,000
    intervals spends its time here. Returns None when the rows are not in that order
    (or an interval ends before it starts): the caller then takes `assess_people`, with
    new `counts` (these are spoilt)."""
    limit = window_end if now is None else min(now, window_end)
    found: dict[int, Attendance] = {}
    scratch = counts if counts is not None else MinuteCounts(0, 0, [0])
    base, last_minute, changes = scratch.base, scratch.count - 1, scratch.changes
    timing = counts is not None
    end_mark = object()
    current: object = end_mark  # the owner whose run is open (none yet)
    previous = run_start = run_end = total = 0
    present = False
    covered_to = -1
    for owner, start, end in chain(rows, ((end_mark, 0, 0),)):
        if end is None:
            if start > limit:
                continue  # not there yet
            end = limit
        elif end < start:
            return None
        if owner == current:
            if start < previous:
                return None
            previous = start
            if start <= run_end:  # overlapping or touching: one run
                if end > run_end:
                    run_end = end
                continue
        if current is not end_mark:
            # The run [run_start, run_end] of `current` ends: clip it to the window.
            if run_end == run_start:  # an instant: inside the window or not at all
                if window_start <= run_start < window_end:
                    present = True
                    if timing:
                        first = last = (run_start - base) // MINUTE_US
                        if first <= covered_to:
                            first = covered_to + 1
                        if first < 0:
                            first = 0
                        if last > last_minute:
                            last = last_minute
                        if first <= last:
                            changes[first] += 1
                            changes[last + 1] -= 1
                            covered_to = last
            else:
                clipped_start = run_start if run_start > window_start else window_start
                clipped_end = run_end if run_end < window_end else window_end
                if clipped_start < clipped_end:
                    total += clipped_end - clipped_start
                    present = True
                    if timing:
                        first = (clipped_start - base) // MINUTE_US
                        last = -((base - clipped_end) // MINUTE_US) - 1
                        if first <= covered_to:
                            first = covered_to + 1
                        if first < 0:
                            first = 0
                        if last > last_minute:
                            last = last_minute
                        if first <= last:
                            changes[first] += 1
                            changes[last + 1] -= 1
                            covered_to = last
            if owner != current:
                # `current`'s last run: their attendance.
                assert isinstance(current, int)
                minutes = total // MINUTE_US
                found[current] = _attendance(attended(
                    minutes=minutes, min_minutes_attended=min_minutes_attended,
                    joined=bool(clicks.get(current, False)), present=present), minutes)
        if owner != current:
            current = owner
            total, present, covered_to = 0, False, -1
        previous = run_start = start
        run_end = end
    for owner, joined in clicks.items():
        if owner not in found:
            found[owner] = _attendance(attended(minutes=0,
                                                min_minutes_attended=min_minutes_attended,
                                                joined=bool(joined)), 0)
    return found
