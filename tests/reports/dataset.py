"""A known data set for the report tests: a forum in Guatemala offering the four default
sectors, nobody from cooperation, a sector removed after people chose it, waitlisted and
cancelled people who "attended" anyway, walk-ins, and a timeline."""

from __future__ import annotations

from datetime import UTC, datetime

from webinar.attendance.intervals import Interval, present_per_minute, window
from webinar.events.model import Sector
from webinar.reports.compute import Person, compute
from webinar.reports.model import EventFacts, Report

SECTORS = (
    Sector("academic", "Académico", "Academic"),
    Sector("cooperation", "Cooperación internacional", "International cooperation"),
    Sector("public", "Sector público", "Public sector"),
    Sector("private", "Sector privado", "Private sector"),
)
STARTS = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)  # 09:00 in Guatemala
ENDS = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)


def facts(sectors: tuple[Sector, ...] = SECTORS, title: str = "Gobierno digital") -> EventFacts:
    return EventFacts(slug="foro-gd", title=title, starts_at=STARTS, ends_at=ENDS,
                      timezone="America/Guatemala", sectors=sectors, doors_open_minutes=15)


def at(hour: int, minute: int) -> datetime:
    return datetime(2026, 12, 3, hour, minute, tzinfo=UTC)


PEOPLE = [
    # academic: 3 registered, 2 attended (60 and 45 minutes)
    Person("confirmed", "academic", "GT", "USAC", True, 60),
    Person("confirmed", "academic", "GT", "usac ", True, 45),
    Person("confirmed", "academic", "MX", "UNAM", False, 0),
    # cooperation: nobody
    # public: 4 registered, 3 attended (10, 20, 31 minutes), one whose organization is a formula
    Person("confirmed", "public", "GT", "=HYPERLINK(\"http://x\")", True, 10),
    Person("confirmed", "public", "SV", "Ministerio", True, 20),
    Person("confirmed", "public", "GT", "Ministerio", True, 31),
    Person("confirmed", "public", "", "", False, 3),  # minutes below the minimum: not attended
    # private: 1 registered, nobody attended
    Person("confirmed", "private", "HN", "-Empresa", False, 0),
    # a sector the event no longer offers
    Person("confirmed", "media", "GT", "Prensa Libre", True, 50),
    # not registered: never counted, whatever their attendance
    Person("waitlisted", "academic", "GT", "USAC", True, 40),
    Person("waitlisted", "private", "CR", "X", False, 0),
    Person("cancelled", "public", "GT", "Y", True, 30),
]
WALK_INS = 4


def timeline() -> list[dict[str, object]]:
    doors, end = window(STARTS, ENDS, 15)
    people = [
        [Interval(at(14, 50), at(15, 50))],
        [Interval(at(15, 0), at(15, 45)), Interval(at(15, 30), at(15, 40))],  # overlapping
        [Interval(at(15, 10), at(15, 20))],
    ]
    return present_per_minute(people, doors, end)


def report() -> Report:
    return compute(facts(), PEOPLE, WALK_INS, timeline())
