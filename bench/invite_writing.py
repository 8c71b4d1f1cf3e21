"""Benchmark: writing the .ics invite of one confirmation, as the scheduler does
(webinar.mail.calendar.invite), beside icalendar writing the whole calendar for each
person (its zone cached, as before the shared lines were cached), in one run.

    .venv/bin/python bench/invite_writing.py [--people 3000]

Prints microseconds per invite for both, and checks they are the same bytes.

Runs of 2026-11-30 (2 cores shared, load 4.0-4.4): invite 664 / 456 us, the whole
calendar 1,982 / 2,056 us, the same bytes (3.0x / 4.5x). Against the code before, run
alternately from a copy of it (load 3-4): 427 / 489 us against 1,466 / 1,671 us. In a
profile of the scheduler process during a registration rush (py-spy, `bench/
registration_api.py --modes serve`), the invite went from 36 % of its time to 15 %.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from webinar.events.model import Event  # noqa: E402
from webinar.mail import calendar  # noqa: E402
from webinar.registrations.model import Registration  # noqa: E402

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def whole(event: Event, reg: Registration, **args) -> bytes:
    """Before: icalendar writes the whole calendar; the VTIMEZONE (cached) goes in."""
    return calendar._with_timezones(calendar.calendar(event, reg, **args))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=3000)
    people = parser.parse_args().people
    start = NOW + timedelta(days=3)
    event = Event(
        id=1, slug="foro", title="Gobierno digital: datos abiertos, servicios y confianza",
        description="Un foro sobre gobierno digital en Guatemala. " * 5, speakers=[],
        starts_at=start, ends_at=start + timedelta(hours=2), timezone="America/Guatemala",
        join_url="https://zoom.example.org/j/1", capacity=None, sectors=[], reminders=[],
        report_delay=timedelta(days=1), organizer_emails=["foros@example.org"],
        doors_open_minutes=15, recording_url=None, min_minutes_attended=0,
        status="published", registration_open=True, sequence=0, created_by=1)
    base = Registration(
        id=1, event_id=1, token="t" * 24, join_token="j" * 24, email="p@example.org",
        name="Persona", organization="", position="", sector="academic", country="GT",
        language="es", status="confirmed", created_at=NOW, confirmed_at=NOW,
        cancelled_at=None)
    regs = [replace(base, id=n) for n in range(1, people + 1)]

    def args(reg: Registration) -> dict:
        return dict(join_link=f"https://foros.example.org/j/{reg.id:024d}",
                    manage_link=f"https://foros.example.org/r/{reg.id:024d}", now=NOW,
                    domain="foros.example.org")

    for write in (calendar.invite, whole):  # warm: zone and shared lines
        write(event, regs[0], **args(regs[0]))
    for name, write in (("invite", calendar.invite), ("whole calendar", whole)):
        t = time.perf_counter()
        for reg in regs:
            write(event, reg, **args(reg))
        print(f"{name:15} {(time.perf_counter() - t) / people * 1e6:7.0f} us per invite")
    same = all(calendar.invite(event, r, **args(r)) == whole(event, r, **args(r))
               for r in regs[:50])
    print("same bytes:", same)


if __name__ == "__main__":
    main()
