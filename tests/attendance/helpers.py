"""The event of the export samples (Tuesday 24 November 2026, 10:00-11:00 in Guatemala,
UTC-6: doors open 09:45, the window is 15:45-17:00 UTC), its registrants, and a way to
import a sample through the API as an organizer would."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.conftest import create_event, organizer_token, person, register_api

SAMPLES = Path(__file__).parent / "samples"
SLUG = "bienvenida"
BEFORE = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # registration open
AFTER = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # after the event
# The registrants; Diego appears in the exports only without an email (by name).
PEOPLE = {
    "ana@uvg.example": "Ana López",
    "bruno.castillo@uvg.example": "Bruno Castillo",
    "carla.mendez@gmail.example": "Carla Méndez",
    "elena.perez@uvg.example": "Elena Pérez",
    "diego@uvg.example": "Diego Morales",
}


async def sample_event(client, clock, **overrides) -> tuple[str, dict[str, dict]]:
    """(organizer token, {email: registration as the API answered}); the clock is left
    after the event."""
    clock.set(BEFORE)
    token = await organizer_token(client)
    await create_event(client, token, slug=SLUG, starts_at="2026-11-24T10:00:00-06:00",
                       ends_at="2026-11-24T11:00:00-06:00", **overrides)
    regs = {}
    for n, (email, name) in enumerate(PEOPLE.items(), 1):
        # Registered with capitals: the identity is the address lower-cased.
        resp = await register_api(client, SLUG, person(n, email=email.upper(), name=name))
        assert resp.status == 201, await resp.text()
        regs[email] = await resp.json()
    clock.set(AFTER)
    return token, regs


async def import_sample(client, token: str, name: str, query: str = "",
                        lang: str = "en"):
    return await client.post(
        f"/api/v1/events/{SLUG}/attendance/import{query}",
        data=(SAMPLES / name).read_bytes(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv",
                 "Accept-Language": lang})


async def registrations(client, token: str) -> dict[str, dict]:
    resp = await client.get(f"/api/v1/events/{SLUG}/registrations",
                            headers={"Authorization": f"Bearer {token}"})
    assert resp.status == 200, await resp.text()
    return {r["email"]: r for r in (await resp.json())["registrations"]}
