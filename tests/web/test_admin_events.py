"""Event management in the organizer pages: the list, the create and edit forms, the
status buttons and duplicating, through the real app and the same service as the API."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.conftest import (
    create_event,
    csrf_from,
    db_rows,
    organizer_token,
    person,
    register_api,
    resources_of,
    run_scheduler,
)
from tests.web.admin_helpers import form_data, post_form, press, signed_in


async def api_event(client, slug: str, token: str) -> dict:
    resp = await client.get(f"/api/v1/events/{slug}",
                            headers={"Authorization": f"Bearer {token}"})
    assert resp.status == 200
    return await resp.json()


async def test_create_through_the_form_reads_back_through_the_api(client):
    await signed_in(client)
    resp = await post_form(client, "/admin/events/new", form_data())
    assert resp.status == 303, await resp.text()
    assert resp.headers["Location"].startswith("/admin/events/foro-admin/edit")
    token = await organizer_token(client)
    event = await api_event(client, "foro-admin", token)
    # 09:00 on the wall clock of Guatemala is 09:00-06:00: the zone of the form, kept.
    assert event["starts_at"] == "2026-12-10T09:00:00-06:00"
    assert event["ends_at"] == "2026-12-10T11:30:00-06:00"
    assert event["status"] == "published" and event["capacity"] is None
    assert event["speakers"] == [{"name": "Ana López", "affiliation": "USAC"},
                                 {"name": "Luis Pérez", "affiliation": ""}]
    assert event["sectors"] == [{"code": "academic", "es": "Academia", "en": "Academia EN"},
                                {"code": "public", "es": "Sector público", "en": "Public"}]
    assert event["reminders"] == ["1d", "1h"] and event["report_delay"] == "30m"
    assert event["doors_open_minutes"] == 10 and event["min_minutes_attended"] == 5
    assert event["certificate_minutes"] == 30 and event["attendance_from_export"] is True
    assert event["open_data"] is False and event["host_name"] == "Universidad"
    assert event["organizer_emails"] == ["org@example.org"]
    # The list shows it, with its local time and offset.
    html = await (await client.get("/admin/")).text()
    assert "Foro desde el formulario" in html and "UTC\u221206:00" in html


async def test_a_zone_with_summer_time_reads_the_wall_clock_of_that_date(client):
    await signed_in(client)
    resp = await post_form(client, "/admin/events/new", form_data(
        timezone="America/Santiago", starts_at="2027-01-15T10:00",
        ends_at="2027-01-15T12:00"))
    assert resp.status == 303
    event = await api_event(client, "foro-admin", await organizer_token(client))
    assert event["starts_at"] == "2027-01-15T10:00:00-03:00"  # Chilean summer time


async def test_invalid_form_comes_back_in_spanish_with_the_input_kept(client):
    await signed_in(client)
    resp = await post_form(client, "/admin/events/new", form_data(
        slug="Mal Slug", title="Título conservado", ends_at="2026-12-10T08:00",
        sector_code_2="", sector_es_2="Sin código", organizer_emails="no es correo"))
    assert resp.status == 422
    html = await resp.text()
    assert 'value="Título conservado"' in html and 'value="Mal Slug"' in html
    assert "Usa letras minúsculas" in html or "minúsculas" in html
    assert 'value="Sin código"' in html
    assert "Por favor, corrija los campos" in html
    assert db_rows(client, "SELECT id FROM events") == []


async def test_end_before_start_is_an_error_on_the_end(client):
    await signed_in(client)
    resp = await post_form(client, "/admin/events/new", form_data(ends_at="2026-12-10T08:00"))
    assert resp.status == 422
    html = await resp.text()
    assert 'id="ends_at-error"' in html and "posterior al inicio" in html


async def test_taken_slug_is_an_error_on_the_slug(client):
    await signed_in(client)
    await create_event(client, slug="foro-admin")
    resp = await post_form(client, "/admin/events/new", form_data())
    assert resp.status == 409 and 'id="slug-error"' in await resp.text()


async def test_edit_changes_a_field_and_a_moved_start_replans(client):
    await signed_in(client)
    token = await organizer_token(client)
    await create_event(client, token)
    await register_api(client, "foro-digital", person(1))
    await run_scheduler(client)
    page = await client.get("/admin/events/foro-digital/edit")
    html = await page.text()
    # The form shows the stored start in the event's zone (06:00 in Guatemala).
    assert 'value="2026-12-04T06:00"' in html
    form = dict(re.findall(r'<input type="(?:text|url|number|datetime-local|email)" '
                           r'id="(\w+)" name="\w+" value="([^"]*)"', html))
    form.update(title="Nuevo título", starts_at="2026-12-05T06:00",
                ends_at="2026-12-05T08:00", timezone="America/Guatemala",
                organizer_emails="org@example.org", reminders="1d, 1h",
                sector_code_0="academic")
    resp = await post_form(client, "/admin/events/foro-digital/edit", form)
    assert resp.status == 303, await resp.text()
    event = await api_event(client, "foro-digital", token)
    assert event["title"] == "Nuevo título"
    assert event["starts_at"] == "2026-12-05T06:00:00-06:00" and event["sequence"] == 1
    types = [r["type"] for r in db_rows(client, "SELECT type FROM event_log ORDER BY id")]
    assert "event.rescheduled" in types
    await run_scheduler(client)
    kinds = [r["kind"] for r in db_rows(client, "SELECT kind FROM deliveries")]
    assert "update" in kinds


async def test_saving_unchanged_form_changes_nothing(client):
    await signed_in(client)
    await post_form(client, "/admin/events/new", form_data())
    resp = await post_form(client, "/admin/events/foro-admin/edit",
                           {k: v for k, v in form_data().items() if k != "status"},
                           page_url="/admin/events/foro-admin/edit")
    assert resp.status == 303
    types = [r["type"] for r in db_rows(client, "SELECT type FROM event_log ORDER BY id")]
    assert types == ["event.created"]


async def test_publish_close_reopen_and_cancel(client):
    await signed_in(client)
    token = await organizer_token(client)
    await post_form(client, "/admin/events/new", form_data(status="draft"))
    assert (await api_event(client, "foro-admin", token))["status"] == "draft"
    assert (await press(client, "foro-admin", "publish")).status == 303
    assert (await api_event(client, "foro-admin", token))["status"] == "published"
    assert (await register_api(client, "foro-admin", person(1))).status == 201
    await press(client, "foro-admin", "close")
    assert (await api_event(client, "foro-admin", token))["registration_open"] is False
    assert (await register_api(client, "foro-admin", person(2))).status != 201
    await press(client, "foro-admin", "reopen")
    assert (await api_event(client, "foro-admin", token))["registration_open"] is True
    # Cancelling asks first: without the confirmation it only shows the question.
    resp = await press(client, "foro-admin", "cancel")
    assert resp.status == 303 and resp.headers["Location"].endswith("/foro-admin/cancel")
    assert (await api_event(client, "foro-admin", token))["status"] == "published"
    page = await client.get("/admin/events/foro-admin/cancel")
    assert "1" in await page.text()
    resp = await post_form(client, "/admin/events/foro-admin/cancel", {"confirm": "yes"},
                           page_url="/admin/events/foro-admin/cancel")
    assert resp.status == 303
    assert (await api_event(client, "foro-admin", token))["status"] == "cancelled"
    await run_scheduler(client)
    rows = db_rows(client, "SELECT kind, recipient, status FROM deliveries"
                           " WHERE kind = 'event_cancelled'")
    assert [(r["recipient"], r["status"]) for r in rows] == [("persona1@example.org", "sent")]
    # A cancelled event cannot be published again from the pages.
    assert (await press(client, "foro-admin", "publish")).status == 303
    assert (await api_event(client, "foro-admin", token))["status"] == "cancelled"


async def test_a_post_without_the_form_token_changes_nothing(client):
    await signed_in(client)
    token = await organizer_token(client)
    await post_form(client, "/admin/events/new", form_data(status="draft"))
    resp = await client.post("/admin/events/foro-admin/publish", data={},
                             allow_redirects=False)
    assert resp.status == 303
    assert (await api_event(client, "foro-admin", token))["status"] == "draft"


async def test_duplicate_prefills_a_draft_a_week_later(client):
    await signed_in(client)
    token = await organizer_token(client)
    await post_form(client, "/admin/events/new", form_data())
    page = await client.get("/admin/events/foro-admin/edit")
    resp = await client.post("/admin/events/foro-admin/duplicate",
                             data={"csrf_token": csrf_from(await page.text())})
    assert resp.status == 200
    html = await resp.text()
    assert 'value="foro-admin-2"' in html and 'value="2026-12-17T09:00"' in html
    assert 'value="Sector público"' in html and 'action="/admin/events/new"' in html
    # Nothing stored until the organizer sends the form.
    assert len(db_rows(client, "SELECT id FROM events")) == 1
    form = form_data(slug="foro-admin-2", starts_at="2026-12-17T09:00",
                     ends_at="2026-12-17T11:30", status="draft")
    assert (await post_form(client, "/admin/events/new", form)).status == 303
    copy = await api_event(client, "foro-admin-2", token)
    assert copy["status"] == "draft" and copy["title"] == "Foro desde el formulario"


async def test_list_puts_upcoming_first_then_past_most_recent_first(client):
    await signed_in(client)
    token = await organizer_token(client)
    now = resources_of(client).now()
    for slug, days in (("pasado-lejos", -30), ("proximo-tarde", 20), ("pasado-cerca", -3),
                       ("proximo-pronto", 2)):
        start = now + timedelta(days=days)
        await create_event(client, token, slug=slug, title=slug, starts_at=start.isoformat(),
                           ends_at=(start + timedelta(hours=1)).isoformat())
    html = await (await client.get("/admin/")).text()
    order = sorted(("proximo-pronto", "proximo-tarde", "pasado-cerca", "pasado-lejos"),
                   key=lambda s: html.index(f"/admin/events/{s}\""))
    assert order == ["proximo-pronto", "proximo-tarde", "pasado-cerca", "pasado-lejos"]
    assert html.index("Eventos pasados") < html.index("/admin/events/pasado-cerca\"")


async def test_empty_list_says_so_and_links_to_create(client):
    await signed_in(client)
    html = await (await client.get("/admin/")).text()
    assert "Aún no tiene eventos" in html and 'href="/admin/events/new"' in html


async def test_another_organizers_event_is_a_404_everywhere(client):
    owner = await organizer_token(client, "owner@example.org")
    await create_event(client, owner, organizer_emails=[])
    await signed_in(client, "org@example.org")
    for url in ("/admin/events/foro-digital/edit", "/admin/events/foro-digital/cancel"):
        assert (await client.get(url)).status == 404
    page = await client.get("/admin/events/new")
    csrf = csrf_from(await page.text())
    for action in ("edit", "publish", "close", "reopen", "cancel", "duplicate"):
        resp = await client.post(f"/admin/events/foro-digital/{action}",
                                 data={"csrf_token": csrf, "confirm": "yes", "title": "x"},
                                 allow_redirects=False)
        assert resp.status == 404, action
    assert "foro-digital" not in await (await client.get("/admin/")).text()
    event = await api_event(client, "foro-digital", owner)
    assert event["status"] == "published" and event["title"] == "Foro: Gobierno digital"


async def test_pages_are_in_english_too(client):
    await signed_in(client)
    html = await (await client.get("/admin/events/new?lang=en")).text()
    assert "New event" in html and "Time zone" in html and "America/Guatemala" in html
