"""The report's numbers from plain inputs: no database, no clock, no I/O.

The caller (the report service) reads the registrations and works out each person's
`attended` and `minutes` with webinar.attendance.intervals, counts the walk-ins, builds the
timeline with `intervals.present_per_minute`, and hands them to `compute`.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal, NamedTuple

from webinar.reports.model import (
    OTHER_SECTOR,
    CountryRow,
    EventFacts,
    OrganizationRow,
    Peak,
    Report,
    SectorRow,
    TimelinePoint,
)

Status = Literal["confirmed", "waitlisted", "cancelled"]
DEFAULT_TOP_ORGANIZATIONS = 15


class Person(NamedTuple):
    """One registration as the report sees it. `attended` and `minutes` follow the
    contract (minutes: whole minutes of presence inside the window). `compute` takes
    these or plain tuples of the same fields (`PersonFields`)."""

    status: Status
    sector: str
    country: str = ""
    organization: str = ""
    attended: bool = False
    minutes: int = 0
    # Attended an earlier event of the same organizers (reports.service.returning_people).
    returning: bool = False


# What `compute` reads of each person, in Person's order: a Person, or a plain tuple with
# the same fields (the report service builds one per registration, and a plain tuple is
# cheaper).
PersonFields = tuple[str, str, str, str, bool, int, bool]


def _round_half_up(numerator: int, denominator: int, decimals: int) -> float:
    """numerator ÷ denominator rounded half up to `decimals`, in exact integer arithmetic
    (so 1/8 is 0.125 and 1/16 is 0.063 whatever binary floats would make of them)."""
    scale = 10 ** decimals
    return ((2 * numerator * scale + denominator) // (2 * denominator)) / scale


def rate(part: int, whole: int) -> float:
    """part ÷ whole as a fraction 0-1 with 3 decimals (half up); 0 when whole is 0."""
    return _round_half_up(part, whole, 3) if whole else 0.0


def _mean(values: Sequence[int]) -> float:
    """The mean with one decimal (half up); 0 for no values."""
    return _round_half_up(sum(values), len(values), 1) if values else 0.0


def _median(values: Sequence[int]) -> float:
    return round(float(statistics.median(values)), 1) if values else 0.0


def _organization_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _sector_row(code: str, label_es: str, label_en: str, registered: int,
                minutes: list[int]) -> SectorRow:
    """The row of one sector: `registered` confirmed people, `minutes` those of the ones
    who attended."""
    return SectorRow(
        sector=code, label_es=label_es, label_en=label_en, registered=registered,
        attended=len(minutes), attendance_rate=rate(len(minutes), registered),
        avg_minutes=_mean(minutes), median_minutes=_median(minutes),
    )


def _countries(as_given: Counter[str], came: Counter[str]) -> list[CountryRow]:
    """Countries grouped by their code (spaces and case ignored), from the confirmed
    people counted by the country as typed (`as_given`) and of those who attended
    (`came`)."""
    registered: Counter[str] = Counter()
    attended: Counter[str] = Counter()
    for given, count in as_given.items():
        code = given.strip().upper()
        registered[code] += count
        attended[code] += came[given]
    return [CountryRow(code, registered[code], attended[code])
            for code in sorted(registered, key=lambda c: (-registered[c], c))]


def _organizations(as_given: Counter[str], came: Counter[str],
                   top: int) -> tuple[list[OrganizationRow], int]:
    """Organizations grouped ignoring case and spacing, shown in their most frequent
    spelling; people who gave none are not an organization. Sorted by registered, then
    attended (both descending), then name. From the confirmed people counted by the
    organization as typed (`as_given`, in order of first appearance) and of those who
    attended (`came`). Returns the top `top` and how many more there were."""
    spellings: dict[str, Counter[str]] = {}
    registered: Counter[str] = Counter()
    attended: Counter[str] = Counter()
    for given, count in as_given.items():  # in order of first appearance, as the people
        shown = " ".join(given.split())
        if not shown:
            continue
        key = shown.casefold()
        spellings.setdefault(key, Counter())[shown] += count
        registered[key] += count
        attended[key] += came[given]
    rows = [OrganizationRow(spellings[key].most_common(1)[0][0], registered[key], attended[key])
            for key in registered]
    rows.sort(key=lambda r: (-r.registered, -r.attended, r.organization.casefold()))
    return rows[:top], max(0, len(rows) - top)


def _timeline(points: Iterable[TimelinePoint | Mapping[str, object]]) -> list[TimelinePoint]:
    result = []
    for point in points:
        if isinstance(point, TimelinePoint):
            result.append(point)
        else:
            present = point["present"]
            assert isinstance(present, int)
            result.append(TimelinePoint(minute=str(point["minute"]), present=present))
    return result


def _peak(timeline: Sequence[TimelinePoint]) -> Peak:
    best: TimelinePoint | None = None
    for point in timeline:
        if point.present > 0 and (best is None or point.present > best.present):
            best = point
    return Peak(None, 0) if best is None else Peak(best.minute, best.present)


def compute(event: EventFacts, people: Iterable[PersonFields], walk_ins: int,
            timeline: Iterable[TimelinePoint | Mapping[str, object]],
            *, top_organizations: int = DEFAULT_TOP_ORGANIZATIONS) -> Report:
    """The report of `event`.

    - Only confirmed people count as registered; `attended` counts those of them who
      attended. Waitlisted and cancelled people are counted apart, whatever their
      attendance; walk-ins (seen by a platform, matching no registration) are given as a
      number and reported apart.
    - `by_sector` has one row for every sector the event offers, in the event's order,
      zeros included. People whose sector the event no longer offers (the organizer
      removed it after they registered) go to one more row, code `OTHER_SECTOR`, at the
      end, and only when there are such people; so the rows always add up to the totals.
    - Minutes (average, median) are over those who attended; 0 when nobody did.
    - New vs returning: of those who attended, `returning_attendees` are the people
      marked `returning` (they attended an earlier event managed by the same organizers),
      `new_attendees` the others.
    - `timeline` is `[{minute, present}]` as `intervals.present_per_minute` gives it (or
      TimelinePoint objects); the peak is its first minute with the most people present.
    """
    # One pass over everyone, counting what the tables need: a report at 100,000
    # registrations is built on the organizer's click (and the live view's refresh).
    waitlisted = cancelled = returning = 0
    registered: Counter[str] = Counter()  # by sector code
    minutes: dict[str, list[int]] = {}  # by sector code, of those who attended
    countries: Counter[str] = Counter()  # as typed; few distinct values
    countries_came: Counter[str] = Counter()
    organizations: Counter[str] = Counter()  # as typed; far fewer values than people
    organizations_came: Counter[str] = Counter()
    for status, sector, country, organization, attended, spent, is_returning in people:
        if status != "confirmed":
            if status == "waitlisted":
                waitlisted += 1
            elif status == "cancelled":
                cancelled += 1
            continue
        registered[sector] += 1
        countries[country] += 1
        organizations[organization] += 1
        if attended:
            minutes.setdefault(sector, []).append(spent)
            countries_came[country] += 1
            organizations_came[organization] += 1
            if is_returning:
                returning += 1
    by_sector = [_sector_row(s.code, s.es, s.en, registered[s.code], minutes.get(s.code, []))
                 for s in event.sectors]
    offered = {s.code for s in event.sectors}
    others = [code for code in registered if code not in offered]
    if others:
        by_sector.append(_sector_row(
            OTHER_SECTOR, "", "", sum(registered[code] for code in others),
            [spent for code in others for spent in minutes.get(code, [])]))
    every_minutes = [spent for row in minutes.values() for spent in row]
    total = sum(registered.values())
    top, left_out = _organizations(organizations, organizations_came, top_organizations)
    points = _timeline(timeline)
    return Report(
        event=event,
        registered=total,
        attended=len(every_minutes),
        attendance_rate=rate(len(every_minutes), total),
        avg_minutes=_mean(every_minutes),
        median_minutes=_median(every_minutes),
        by_sector=by_sector,
        walk_ins=walk_ins,
        waitlisted=waitlisted,
        cancelled=cancelled,
        countries=_countries(countries, countries_came),
        organizations=top,
        organizations_left_out=left_out,
        timeline=points,
        peak=_peak(points),
        new_attendees=len(every_minutes) - returning,
        returning_attendees=returning,
    )
