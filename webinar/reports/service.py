"""The report of a stored event: reads its registrations and attendance and hands them to
`compute` (the API, the admin page and the CLI call `build_report`).

Five reads whatever the size of the event, all in one snapshot (`Store.snapshot`: a
registration or interval committed meanwhile is in none of them): the registrations (all
statuses, only the columns the report uses); through `attendance.service.event_attendance`,
the registered people's presence intervals (integer microseconds, in registration and
start order), one row per registration that clicked its join link, and the walk-ins'
intervals; and the earlier attendance of the same people at the organizers' earlier
events (`returning_people`). Everything after is linear in the number of people and
intervals.

Choices the contract leaves open:
- `walk_ins` counts the walk-ins who attended by the same rule as registered people
  (presence inside the window for at least `min_minutes_attended` minutes); a walk-in seen
  only outside the window (a rehearsal in the same meeting) is not one.
- The timeline counts everyone the platforms saw in the room in each minute: registered
  people of any status and walk-ins alike, each once a minute. It is built from presence
  intervals only: a join click (or a manual check-in) is presence without minutes, so it
  makes someone `attended` without adding to any minute of the timeline.
- `now` ends the intervals still open (a live report); minutes after `now` count nobody.
- New vs returning: an attendee is returning when the same address, confirmed, attended
  (by the same rule, `intervals.assess`, against that event's own window and minimum) an
  earlier published event that shares a manager with this one (the creator's account or
  an address of `organizer_emails`). Walk-ins are neither.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from webinar.attendance import intervals
from webinar.attendance import service as attendance_service
from webinar.attendance.intervals import Interval
from webinar.attendance.service import NOBODY
from webinar.clock import from_db
from webinar.events.model import Event
from webinar.reports.compute import compute
from webinar.reports.model import EventFacts, Report
from webinar.store.interface import Row, Store


def returning_people(rows: Sequence[Row]) -> set[int]:
    """The registrations (of this event) whose address attended an earlier event, from
    the rows of `registrations.earlier_attendance`."""
    spans: dict[tuple[int, int], list[Interval]] = defaultdict(list)
    clicks: dict[tuple[int, int], list[datetime]] = defaultdict(list)
    facts: dict[tuple[int, int], Row] = {}
    for row in rows:
        key = (row["registration_id"], row["earlier_event_id"])
        facts[key] = row
        if row["at"] is not None:
            clicks[key].append(from_db(row["at"]))
        else:
            spans[key].append(Interval(from_db(row["started_at"]), from_db(row["ended_at"])))
    returning = set()
    for key, row in facts.items():
        if key[0] in returning:
            continue
        start, end = intervals.window(from_db(row["starts_at"]), from_db(row["ends_at"]),
                                      row["doors_open_minutes"])
        if intervals.assess(spans.get(key, ()), clicks.get(key, ()), window_start=start,
                            window_end=end,
                            min_minutes_attended=row["min_minutes_attended"]).attended:
            returning.add(key[0])
    return returning


async def build_report(store: Store, event: Event, now: datetime) -> Report:
    """The attendance report of `event` as of `now`."""
    async with store.snapshot() as view:  # the reads of one moment (Store.snapshot)
        rows = await view.registrations.for_report(event.id)
        seen = await attendance_service.event_attendance(view, event, now)
        returning = returning_people(await view.registrations.earlier_attendance(event.id))
    attendance = seen.registrations
    # Plain tuples in Person's field order: a named tuple each costs twice as much, and
    # there are as many as registrations.
    people = [(status, sector, country, organization, came.attended, came.minutes,
               registration_id in returning)
              for registration_id, status, sector, country, organization in rows
              for came in (attendance.get(registration_id, NOBODY),)]
    walk_ins = sum(1 for attendance in seen.walk_ins.values() if attendance.attended)
    return compute(EventFacts.from_event(event), people, walk_ins, seen.timeline)
