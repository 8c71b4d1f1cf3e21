"""A known stored data set for the report's wiring tests, built through the real services
and the API as organizers and participants would: the export samples' event (Tuesday 24
November 2026, 10:00-11:00 in Guatemala, doors open 15 minutes before: the window is
15:45-17:00 UTC, 75 minutes), capacity 6, the default four sectors.

- confirmed: Ana (academic, GT), Bruno (public, GT), Carla (public, SV), Elena (private,
  GT), Diego (academic, GT), Iván (public, HN, never came); nobody from cooperation;
- cancelled: Frank (private), who cancelled before the event;
- waitlisted: Gina (academic, CR), checked in by hand 10:30-10:40 all the same;
- attendance from tests/attendance/samples/zoom-participants-en.csv: Ana 57 minutes,
  Bruno 56, Carla 29, Elena 39; Diego's phone joined without an email (a walk-in by
  name), and Diego clicked his join link at 10:11 (presence without minutes; the event's
  minimum is 0, so he attended with 0 minutes); the host's account is another walk-in;
  Fernando stayed in the waiting room (skipped).
"""

from __future__ import annotations

from datetime import UTC, datetime

from tests.attendance.helpers import import_sample
from tests.conftest import (
    cancel_registration,
    create_event,
    organizer_token,
    person,
    register_api,
    resources_of,
)
from webinar.attendance import service as attendance
from webinar.events import service as events
from webinar.registrations.model import Registration

SLUG = "bienvenida"
BEFORE = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
AFTER = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
WINDOW_START = datetime(2026, 11, 24, 15, 45, tzinfo=UTC)
WINDOW_MINUTES = 75


def utc(hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2026, 11, 24, hour, minute, second, tzinfo=UTC)


PEOPLE = [  # (email, name, sector, country, organization), in the order they register
    ("ana@uvg.example", "Ana López", "academic", "GT", "UVG"),
    ("bruno.castillo@uvg.example", "Bruno Castillo", "public", "GT", "Ministerio de Salud"),
    ("carla.mendez@gmail.example", "Carla Méndez", "public", "SV", "ministerio de salud"),
    ("elena.perez@uvg.example", "Elena Pérez", "private", "GT", "Empresa Ñandú"),
    ("frank@example.org", "Frank Ruiz", "private", "GT", "Otra"),
    ("diego@uvg.example", "Diego Morales", "academic", "GT", "UVG"),
    ("ivan@example.org", "Iván Díaz", "public", "HN", ""),
    ("gina@example.org", "Gina Soto", "academic", "CR", "UCR"),
]


async def stored_event(client, clock) -> dict[str, str]:
    """Builds the data set; returns the organizer's token under "token" and each person's
    status by email. The clock is left after the event."""
    clock.set(BEFORE)
    token = await organizer_token(client)
    await create_event(client, token, slug=SLUG, title="Bienvenida: Gobierno digital",
                       starts_at="2026-11-24T10:00:00-06:00",
                       ends_at="2026-11-24T11:00:00-06:00", capacity=6)
    answers: dict[str, dict] = {}
    for n, (email, name, sector, country, organization) in enumerate(PEOPLE, 1):
        resp = await register_api(client, SLUG, person(
            n, email=email, name=name, sector=sector, country=country,
            organization=organization))
        assert resp.status == 201, await resp.text()
        answers[email] = await resp.json()
        if email == "frank@example.org":  # cancels before Diego, Iván and Gina register
            manage = answers[email]["manage_link"]
            resp = await cancel_registration(client, manage.rsplit("/r/", 1)[1])
            assert resp.status in (302, 303), await resp.text()
    clock.set(AFTER)
    resp = await import_sample(client, token, "zoom-participants-en.csv")
    assert resp.status == 200, await resp.text()
    res = resources_of(client)
    event = await events.get(res.store, SLUG)
    diego = await res.store.registrations.by_email(event.id, "diego@uvg.example")
    assert diego is not None
    assert await attendance.record_join(res.store, utc(16, 11), event,
                                        Registration.from_row(diego))
    assert await attendance.record_presence(
        res.store, AFTER, event, key="checkin:gina", source="checkin",
        started_at=utc(16, 30), ended_at=utc(16, 40),
        registration_id=answers["gina@example.org"]["id"], email="gina@example.org")
    statuses = {email: answer["status"] for email, answer in answers.items()}
    statuses["frank@example.org"] = "cancelled"
    assert statuses["gina@example.org"] == "waitlisted", statuses
    return {"token": token, **statuses}


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
