"""The organizers' live view of an event in progress: who is in now, by sector, and who
joined last. One function (`live_numbers`) reads the store and applies the rules; the
page and its server-sent-events stream both show what it returns.

- **In now**: the people with an open presence interval (`ended_at` NULL: a platform
  webhook said they joined and not yet that they left, or the watch page's heartbeats)
  that started inside the window (doors open .. end) and not after `now`. A person with
  several open intervals counts once; walk-ins (no registration) count too, apart from
  the sectors.
- **Clicked recently**: where only the join click is known, the registrations that
  clicked their join link in the last `recent_minutes` (inside the window), that are not
  in now by an interval and were not seen leaving after that click. A click proves
  presence at that moment only, so the page labels them as clicks.
- **By sector**: every sector the event offers, zeros included, in the event's order;
  a code a registration holds that the event no longer offers follows them.
- **Latest joins**: the last clicks and interval starts, newest first.

All four reads are of one moment (one `Store.snapshot`): a join or a leave committed
while they run shows in the next refresh, in every number at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from webinar.attendance import intervals
from webinar.attendance.service import HEARTBEAT_GAP
from webinar.clock import from_db, to_db
from webinar.events.model import Event
from webinar.store.interface import Row, Store

RECENT_MINUTES = 10
LATEST = 10
CLICK = "join"  # the source of a join click in `Join.source`


@dataclass(frozen=True)
class Join:
    """One join, as the live view lists it."""

    at: datetime
    name: str
    sector: str | None  # None: a walk-in
    source: str  # CLICK, or the interval's source (zoom_webhook, heartbeat, ...)


@dataclass(frozen=True)
class LiveNumbers:
    """What the live view shows at `at`."""

    at: datetime
    window_start: datetime
    window_end: datetime
    recent_minutes: int
    present: int  # in now by an open interval, walk-ins included
    walk_ins: int  # of `present`, those matching no registration
    clicked: int  # clicked in the last `recent_minutes`, not in `present`
    present_by_sector: dict[str, int] = field(default_factory=dict)
    clicked_by_sector: dict[str, int] = field(default_factory=dict)
    latest: list[Join] = field(default_factory=list)

    @property
    def state(self) -> str:
        """`before` the doors open, `open` during the window, `ended` after it."""
        if self.at < self.window_start:
            return "before"
        return "open" if self.at < self.window_end else "ended"


def _identity(row: Row) -> tuple[str, object]:
    """Who an open interval belongs to: the registration, else the walk-in's email or
    name as the platform gave it, else only the interval itself."""
    if row["registration_id"] is not None:
        return ("registration", row["registration_id"])
    if row["email"]:
        return ("email", row["email"])
    name = " ".join((row["seen_as"] or "").casefold().split())
    return ("name", name) if name else ("interval", row["id"])


def _by_sector(event: Event, sectors: dict[object, str | None]) -> dict[str, int]:
    counts = dict.fromkeys(event.sector_codes, 0)
    for sector in sectors.values():
        if sector is not None:
            counts[sector] = counts.get(sector, 0) + 1
    return counts


async def live_numbers(store: Store, event: Event, now: datetime, *,
                       recent_minutes: int = RECENT_MINUTES,
                       latest: int = LATEST) -> LiveNumbers:
    """The live view's numbers at `now` (see the module's docstring for the rules):
    four reads in one snapshot (`Store.snapshot`), none of them per person."""
    window_start, window_end = intervals.window(event.starts_at, event.ends_at,
                                                event.doors_open_minutes)
    until = to_db(min(now, window_end))
    present: dict[object, str | None] = {}
    walk_ins = 0
    # A watch page beats every minute: a beat within HEARTBEAT_GAP means still watching.
    beat_since = to_db(now - HEARTBEAT_GAP)
    stamp = to_db(now)
    since = to_db(max(now - timedelta(minutes=recent_minutes), window_start))
    async with store.snapshot() as view:  # one moment: a join meanwhile is in no number
        open_rows = await view.attendance.open_presence(event.id, to_db(window_start),
                                                        until, beat_since)
        clicker_rows = await view.attendance.recent_clickers(event.id, since, until)
        visit_rows = await view.attendance.latest_visits(event.id, stamp, latest)
        interval_rows = await view.attendance.latest_intervals(event.id, stamp, latest)
    for row in open_rows:
        who = _identity(row)
        if who in present:
            continue
        present[who] = row["sector"]
        if who[0] != "registration":
            walk_ins += 1
    clicked: dict[object, str | None] = {}
    for row in clicker_rows:
        who = ("registration", row["registration_id"])
        if who not in present:
            clicked[who] = row["sector"]
    joins = [Join(from_db(r["at"]), r["name"], r["sector"], CLICK) for r in visit_rows]
    joins += [Join(from_db(r["at"]), r["name"] or "", r["sector"], r["source"])
              for r in interval_rows]
    joins.sort(key=lambda j: j.at, reverse=True)
    return LiveNumbers(
        at=now, window_start=window_start, window_end=window_end,
        recent_minutes=recent_minutes, present=len(present), walk_ins=walk_ins,
        clicked=len(clicked), present_by_sector=_by_sector(event, present),
        clicked_by_sector=_by_sector(event, clicked), latest=joins[:latest],
    )
