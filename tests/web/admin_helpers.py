"""Acting as a signed-in organizer on the event management pages."""

from __future__ import annotations

from tests.conftest import csrf_from, resources_of
from webinar.organizers import accounts as organizers


async def signed_in(client, email: str = "org@example.org",
                    password: str = "a long password") -> None:
    """An organizer account with this address, signed in through the login form."""
    res = resources_of(client)
    await organizers.create(res.store, res.now(), email, password)
    page = await client.get("/admin/login")
    resp = await client.post("/admin/login", allow_redirects=False, data={
        "email": email, "password": password, "next": "/admin/",
        "csrf_token": csrf_from(await page.text())})
    assert resp.status == 303, await resp.text()


def form_data(**overrides: str) -> dict[str, str]:
    """The create form as a person fills it in: local times in Guatemala."""
    data = {
        "slug": "foro-admin", "title": "Foro desde el formulario",
        "description": "Un panel.", "speakers": "Ana López; USAC\nLuis Pérez",
        "timezone": "America/Guatemala",
        "starts_at": "2026-12-10T09:00", "ends_at": "2026-12-10T11:30",
        "join_url": "https://zoom.example.org/j/81234567890", "capacity": "",
        "reminders": "1d, 1h", "report_delay": "30m", "doors_open_minutes": "10",
        "recording_url": "", "organizer_emails": "org@example.org",
        "zoom_meeting_id": "", "embed_url": "", "min_minutes_attended": "5",
        "certificate_minutes": "30", "attendance_from_export": "1",
        "host_name": "Universidad", "host_website": "https://usac.example.org",
        "host_contact_email": "foro@usac.example.org", "host_privacy_url": "",
        "status": "published",
        "sector_code_0": "academic", "sector_es_0": "Academia", "sector_en_0": "Academia EN",
        "sector_code_1": "public", "sector_es_1": "Sector público", "sector_en_1": "Public",
    }
    data.update(overrides)
    return data


async def post_form(client, url: str, data: dict[str, str], page_url: str | None = None):
    """Open the page with the form (for its token), then send it."""
    page = await client.get(page_url or url)
    assert page.status == 200, await page.text()
    return await client.post(url, data={"csrf_token": csrf_from(await page.text()), **data},
                             allow_redirects=False)


async def press(client, slug: str, action: str, **extra: str):
    """A POST button of the edit page."""
    return await post_form(client, f"/admin/events/{slug}/{action}", extra,
                           page_url=f"/admin/events/{slug}/edit")
