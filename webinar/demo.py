"""`webinar serve --demo`: a sample forum like the one in the design, so a newcomer sees
every page filled. Made through the same services as real data; run twice, it adds nothing."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from webinar.attendance import service as attendance
from webinar.clock import SystemClock
from webinar.errors import EventNotFound
from webinar.events import service as events
from webinar.events.fields import EventFields, Speaker
from webinar.organizers import accounts as organizers
from webinar.registrations import service as registration
from webinar.registrations.fields import RegistrationIn
from webinar.runtime import open_resources
from webinar.settings import Settings
from webinar.store.interface import Store

SLUG = "foro-gobierno-digital"
WORKSHOP_SLUG = "taller-datos-abiertos"
PAST_SLUG = "foro-identidad-digital"
EMAIL = "demo@example.org"
PASSWORD = "demo-password"  # noqa: S105 - the demo's documented sign-in

FIRST = ["Ana", "Luis", "María", "José", "Carmen", "Jorge", "Lucía", "Carlos", "Sofía", "Diego",
         "Valeria", "Andrés", "Gabriela", "Fernando", "Isabel", "Ricardo", "Paola", "Mario",
         "Daniela", "Héctor", "Claudia", "Óscar", "Rosa", "Pablo", "Elena"]
LAST = ["García", "López", "Pérez", "Morales", "Hernández", "Castillo", "Ramírez", "Cruz",
        "Méndez", "Reyes", "Ortiz", "Juárez", "Barrios", "Chávez", "Rodas", "Aguilar"]
ORGS = {
    "academic": ["Universidad de San Carlos", "Universidad del Valle",
                 "Universidad Rafael Landívar", "FLACSO Guatemala"],
    "cooperation": ["PNUD", "UNESCO", "BID", "GIZ", "Unión Europea"],
    "public": ["Ministerio de Finanzas", "Gobierno Electrónico", "Municipalidad de Guatemala",
               "SEGEPLAN"],
    "private": ["Tigo", "Banco Industrial", "Startup GT", "Cámara de Industria"],
}
COUNTRIES = ["GT"] * 12 + ["SV", "HN", "MX", "CR", "CO", "US", "ES", "NI"]


async def seed(settings: Settings) -> str:
    rng = random.Random(2026)  # the same sample every time
    now = SystemClock().now()
    zone = ZoneInfo("America/Guatemala")
    async with open_resources(settings) as res:
        try:
            await events.get(res.store, SLUG)
            return f"demo: {SLUG} already there"
        except EventNotFound:
            pass
        organizer = await organizers.create(res.store, now, EMAIL, PASSWORD)
        start_day = (now.astimezone(zone) + timedelta(days=7)).date()
        starts = datetime(start_day.year, start_day.month, start_day.day, 9, 0, tzinfo=zone)
        fields = EventFields(
            slug=SLUG,
            title="Foro virtual: Gobierno digital en Guatemala",
            description=(
                "Un panel de personas expertas de la academia, la cooperación internacional "
                "y los sectores público y privado conversa sobre servicios digitales, "
                "identidad digital y datos abiertos."
            ),
            speakers=[Speaker(name="Dra. Marta Quiñónez", affiliation="Universidad de San Carlos"),
                      Speaker(name="Roberto Estrada", affiliation="PNUD Guatemala"),
                      Speaker(name="Lic. Ana Sofía Paz", affiliation="Gobierno Electrónico")],
            starts_at=starts.astimezone(UTC), ends_at=(starts + timedelta(hours=2)).astimezone(UTC),
            timezone="America/Guatemala", join_url="https://meet.example.org/foro-gobierno-digital",
            capacity=140, reminders=["1d", "1h"], organizer_emails=[EMAIL],
            status="published",
        )
        event = await events.create(res.store, now, fields, organizer.id)
        sectors = list(ORGS)
        tokens = []
        for i in range(150):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            sector = sectors[i % 4] if i % 5 else rng.choice(sectors)
            data = RegistrationIn(
                name=f"{first} {last}", email=f"participante{i + 1:03d}@example.org",
                organization=rng.choice(ORGS[sector]), position="",
                sector=sector, country=rng.choice(COUNTRIES),
                language="en" if i % 9 == 0 else "es", consent=True,
            )
            outcome = await registration.register(res.store, now, event, data)
            tokens.append(outcome.registration.token)
        for token in tokens[3:60:7]:  # a few cancel, which promotes from the waitlist
            await registration.cancel(res.store, now, event, token)
        counts = await events.registration_counts(res.store, event)
        # A second, smaller event with free seats, so a newcomer can register at once.
        workshop_day = starts + timedelta(days=7)
        workshop = await events.create(res.store, now, EventFields(
            slug=WORKSHOP_SLUG, title="Taller: Datos abiertos para municipios",
            description="Un taller práctico para equipos municipales.",
            starts_at=(workshop_day + timedelta(hours=6)).astimezone(UTC),
            ends_at=(workshop_day + timedelta(hours=7, minutes=30)).astimezone(UTC),
            timezone="America/Guatemala", join_url="https://meet.example.org/taller-datos",
            capacity=40, organizer_emails=[EMAIL], status="published",
        ), organizer.id)
        for i in range(12):
            sector = sectors[i % 4]
            await registration.register(res.store, now, workshop, RegistrationIn(
                name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                email=f"taller{i + 1:02d}@example.org", organization=rng.choice(ORGS[sector]),
                sector=sector, country="GT", language="es", consent=True))
        await _past_forum(res.store, now, zone, organizer.id, rng)
    return (f"demo: {SLUG} with {counts['confirmed']} confirmed, {counts['waitlisted']} "
            f"waitlisted, {counts['cancelled']} cancelled")


async def _past_forum(store: Store, now: datetime, zone: ZoneInfo, organizer_id: int,
                      rng: random.Random) -> None:
    """A forum that ended a week ago, with attendance from a platform (as an import or a
    webhook would store it), join clicks and two walk-ins: its report and registrant list
    are filled. Made with the services, at the moments things would have happened."""
    day = (now.astimezone(zone) - timedelta(days=7)).date()
    starts = datetime(day.year, day.month, day.day, 10, 0, tzinfo=zone).astimezone(UTC)
    ends = starts + timedelta(hours=1, minutes=30)
    opened = starts - timedelta(days=14)
    event = await events.create(store, opened, EventFields(
        slug=PAST_SLUG, title="Foro virtual: Identidad digital y servicios en línea",
        description="Conversatorio sobre identidad digital, firma electrónica y trámites.",
        starts_at=starts, ends_at=ends, timezone="America/Guatemala",
        join_url="https://meet.example.org/foro-identidad-digital", capacity=None,
        recording_url="https://video.example.org/foro-identidad-digital",
        organizer_emails=[EMAIL], status="published",
    ), organizer_id)
    sectors = list(ORGS)
    for i in range(120):
        sector = sectors[i % 4] if i % 6 else rng.choice(sectors)
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        email = f"asistente{i + 1:03d}@example.org"
        outcome = await registration.register(
            store, opened + timedelta(hours=2 * i), event, RegistrationIn(
                name=name, email=email, organization=rng.choice(ORGS[sector]),
                sector=sector, country=rng.choice(COUNTRIES), language="es", consent=True))
        reg = outcome.registration
        if rng.random() < 0.3:
            continue  # did not come
        # Arrived around the start, stayed a while; some stepped out and came back.
        arrived = starts + timedelta(minutes=rng.randint(-10, 25))
        if rng.random() < 0.5:
            await attendance.record_join(store, arrived, event, reg)
        left = min(ends, arrived + timedelta(minutes=rng.randint(5, 95)))
        await attendance.record_presence(
            store, left, event, key=f"demo:{reg.id}:1", source="zoom", started_at=arrived,
            ended_at=left, registration_id=reg.id, email=email, name=name)
        if rng.random() < 0.2 and left < ends - timedelta(minutes=10):
            back = left + timedelta(minutes=5)
            await attendance.record_presence(
                store, ends, event, key=f"demo:{reg.id}:2", source="zoom", started_at=back,
                ended_at=ends, registration_id=reg.id, email=email, name=name)
    for n, name in enumerate(["Invitado Zoom", "Periodista"]):  # seen, never registered
        await attendance.record_presence(
            store, ends, event, key=f"demo:walk-in:{n}", source="zoom",
            started_at=starts + timedelta(minutes=5 * n), ended_at=ends - timedelta(minutes=20),
            email=f"invitado{n}@example.net", name=name)
