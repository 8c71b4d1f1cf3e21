"""Presence arithmetic: union, window, rounding, open intervals, the attended rule and the
timeline, on hand-made intervals around one event (10:00-11:00 UTC, doors open 15 min)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from webinar.attendance.intervals import (
    Interval,
    assess,
    attended,
    clip,
    merge,
    minutes,
    present,
    present_per_minute,
    window,
)

DAY = datetime(2026, 11, 24, tzinfo=UTC)
START, END = DAY.replace(hour=10), DAY.replace(hour=11)
WS, WE = window(START, END, 15)


def at(hour: int, minute: int, second: int = 0) -> datetime:
    return DAY.replace(hour=hour, minute=minute, second=second)


def iv(a: tuple[int, ...], b: tuple[int, ...] | None) -> Interval:
    return Interval(at(*a), None if b is None else at(*b))


def test_window_opens_doors_before_the_start():
    assert WS == at(9, 45) and WE == at(11, 0)


def test_interval_needs_aware_times_and_keeps_them_in_utc():
    with pytest.raises(ValueError):
        Interval(datetime(2026, 11, 24, 10, 0))
    with pytest.raises(ValueError):
        Interval(at(10, 5), at(10, 0))
    guatemala = timezone(timedelta(hours=-6))
    interval = Interval(datetime(2026, 11, 24, 4, 0, tzinfo=guatemala))
    assert interval.start == at(10, 0) and interval.start.tzinfo == UTC and interval.is_open


def test_merge_counts_overlaps_and_touching_intervals_once():
    merged = merge([iv((10, 30), (10, 50)), iv((10, 0), (10, 20)), iv((10, 10), (10, 30)),
                    iv((10, 55), (10, 58))])
    assert merged == [iv((10, 0), (10, 50)), iv((10, 55), (10, 58))]


def test_merge_open_interval_swallows_what_follows_it():
    assert merge([iv((10, 0), (10, 10)), iv((10, 5), None), iv((10, 40), (10, 50))]) \
        == [iv((10, 0), None)]


def test_minutes_of_two_devices_are_not_counted_twice():
    laptop, phone = iv((10, 0), (10, 40)), iv((10, 20), (11, 0))
    assert minutes([laptop, phone], WS, WE) == 60


def test_minutes_are_rounded_down_on_the_union_not_per_interval():
    # 10:00:00-10:00:40 and 10:01:00-10:01:40: 80 s in all = 1 minute (not 0 + 0, not 2)
    spans = [iv((10, 0, 0), (10, 0, 40)), iv((10, 1, 0), (10, 1, 40))]
    assert minutes(spans, WS, WE) == 1
    assert minutes([iv((10, 0, 0), (10, 0, 59))], WS, WE) == 0
    assert minutes([iv((10, 0, 0), (10, 47, 46))], WS, WE) == 47


def test_time_outside_the_window_does_not_count():
    spans = [iv((9, 0), (9, 50)),        # 5 min after the doors open
             iv((10, 55), (11, 30))]     # 5 min before the end
    assert clip(spans, WS, WE) == [iv((9, 45), (9, 50)), iv((10, 55), (11, 0))]
    assert minutes(spans, WS, WE) == 10
    before, after = iv((8, 0), (9, 45)), iv((11, 0), (11, 30))  # touching the edges only
    assert minutes([before, after], WS, WE) == 0
    assert not present([before, after], WS, WE)


def test_open_interval_ends_at_now_or_at_the_window_end():
    still_there = [iv((10, 10), None)]
    assert minutes(still_there, WS, WE, now=at(10, 25, 30)) == 15
    assert minutes(still_there, WS, WE, now=at(12, 0)) == 50
    assert minutes(still_there, WS, WE) == 50
    assert clip(still_there, WS, WE, now=at(10, 25)) == [iv((10, 10), (10, 25))]
    assert clip([iv((10, 30), None)], WS, WE, now=at(10, 20)) == []  # not there yet


def test_an_instant_inside_the_window_is_presence_without_minutes():
    instant = [iv((10, 12), (10, 12))]  # a Meet row of 45 s, clock times to the minute
    assert present(instant, WS, WE) and minutes(instant, WS, WE) == 0
    assert not present([iv((11, 0), (11, 0))], WS, WE)
    just_joined = [iv((10, 30), None)]
    assert present(just_joined, WS, WE, now=at(10, 30))


def test_attended_rules():
    # a join click is presence without minutes: enough only when 0 minutes are required
    assert attended(minutes=0, min_minutes_attended=0, joined=True)
    assert not attended(minutes=0, min_minutes_attended=10, joined=True)
    assert attended(minutes=0, min_minutes_attended=0, present=True)
    assert not attended(minutes=0, min_minutes_attended=0)
    assert attended(minutes=10, min_minutes_attended=10)
    assert not attended(minutes=9, min_minutes_attended=10, joined=True, present=True)


def test_assess_combines_clicks_and_intervals_inside_the_window():
    kwargs = {"window_start": WS, "window_end": WE, "min_minutes_attended": 0}
    clicked = assess([], [at(10, 3)], **kwargs)
    assert clicked.attended and clicked.minutes == 0
    late_click = assess([], [at(11, 0)], **kwargs)
    assert not late_click.attended
    stayed = assess([iv((9, 30), (10, 20, 59))], [at(9, 31)],
                    **{**kwargs, "min_minutes_attended": 30})
    assert stayed.minutes == 35 and stayed.attended
    short = assess([iv((10, 0), (10, 29, 59))], [], **{**kwargs, "min_minutes_attended": 30})
    assert short.minutes == 29 and not short.attended


def test_timeline_counts_people_per_minute_from_doors_open_to_the_end():
    people = {
        "ana": [iv((10, 1, 5), (10, 47, 51)), iv((10, 49, 30), (11, 0, 38))],
        "bruno": [iv((9, 50), (10, 0)), iv((9, 55), (9, 58))],   # two devices
        "carla": [iv((10, 5), None)],                           # still there
        "diego": [iv((10, 12), (10, 12))],                      # an instant
        "early": [iv((9, 0), (9, 45))],                          # gone when doors opened
    }
    timeline = present_per_minute(people, WS, WE, now=at(10, 30))
    assert len(timeline) == 75
    assert timeline[0] == {"minute": "2026-11-24T09:45:00Z", "present": 0}
    assert timeline[-1] == {"minute": "2026-11-24T10:59:00Z", "present": 1}  # ana
    by_minute = {entry["minute"][11:16]: entry["present"] for entry in timeline}
    assert by_minute["09:50"] == 1 and by_minute["09:59"] == 1 and by_minute["10:00"] == 0
    assert by_minute["10:01"] == 1          # ana from 10:01:05
    assert by_minute["10:12"] == 3          # ana, carla, diego's instant
    assert by_minute["10:29"] == 2 and by_minute["10:30"] == 1   # carla counted until now
    assert by_minute["10:47"] == 1 and by_minute["10:48"] == 0 and by_minute["10:49"] == 1
    assert present_per_minute(people.values(), WS, WE, now=at(10, 30)) == timeline


def test_timeline_starts_on_the_clock_minute_and_keeps_a_last_partial_minute():
    timeline = present_per_minute([[Interval(at(10, 0, 30), at(10, 2, 15))]],
                                  at(10, 0, 30), at(10, 2, 15))
    assert [(e["minute"][11:19], e["present"]) for e in timeline] \
        == [("10:00:00", 1), ("10:01:00", 1), ("10:02:00", 1)]


def test_minutes_and_timeline_agree_with_counting_second_by_second():
    import random

    rng = random.Random(7)
    for _ in range(40):
        people = []
        for _person in range(rng.randrange(1, 4)):
            spans = []
            for _ in range(rng.randrange(0, 4)):
                start = at(9, 30) + timedelta(seconds=rng.randrange(0, 6000))
                end = None if rng.random() < 0.15 else \
                    start + timedelta(seconds=rng.randrange(0, 1800))
                spans.append(Interval(start, end))
            people.append(spans)
        now = at(9, 30) + timedelta(seconds=rng.randrange(0, 6000))

        def inside(spans: list[Interval], second: datetime, now: datetime = now) -> bool:
            return any(s.start <= second < (now if s.end is None else s.end) for s in spans)

        seconds = [WS + timedelta(seconds=n) for n in range(int((WE - WS).total_seconds()))]
        for spans in people:
            expected = sum(1 for second in seconds if inside(spans, second)) // 60
            assert minutes(spans, WS, WE, now=now) == expected
        timeline = present_per_minute(people, WS, WE, now=now)
        for index, entry in enumerate(timeline):
            minute = seconds[index * 60:(index + 1) * 60]
            expected = sum(1 for spans in people if any(inside(spans, s) for s in minute))
            instants = sum(1 for spans in people
                           if not any(inside(spans, s) for s in minute)
                           and any(s.end == s.start and minute[0] <= s.start <= minute[-1]
                                   for s in spans))
            assert entry["present"] == expected + instants, (entry, people, now)
