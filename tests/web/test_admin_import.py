"""POST /admin/events/{slug}/attendance/import: the organizer page's import of an attendance
export through the real form (multipart, the form token from the event page), its counts and
skipped lines in the organizer's language, re-imports that add nothing, and refusals (not an
export, no file, a bad option, no form token, another organizer's event) that store nothing."""

from __future__ import annotations

import aiohttp

from tests.attendance.helpers import SAMPLES, SLUG, registrations, sample_event
from tests.conftest import csrf_from, db_rows, resources_of
from tests.web.test_admin import sign_in
from webinar import app as app_module
from webinar.organizers import accounts as organizers
from webinar.web import admin

URL = f"/admin/events/{SLUG}/attendance/import"


def intervals(client) -> int:
    return db_rows(client, "SELECT COUNT(*) AS n FROM presence_intervals")[0]["n"]


async def event_page_token(client, lang: str = "en") -> str:
    page = await client.get(f"/admin/events/{SLUG}", headers={"Accept-Language": lang})
    assert page.status == 200
    html = await page.text()
    assert f'action="{URL}"' in html and 'enctype="multipart/form-data"' in html
    return csrf_from(html)


def form(data: bytes | None, token: str | None, source: str = "", timezone: str = "",
         filename: str = "export.csv") -> aiohttp.FormData:
    body = aiohttp.FormData(default_to_multipart=True)
    if token is not None:
        body.add_field("csrf_token", token)
    body.add_field("source", source)
    body.add_field("timezone", timezone)
    if data is not None:
        body.add_field("file", data, filename=filename, content_type="text/csv")
    return body


async def signed_in_event(client, clock) -> str:
    """The samples' event, its organizer signed in; the event page's form token."""
    token, _regs = await sample_event(client, clock)
    assert (await sign_in(client)).status == 303
    return token


async def post(client, body: aiohttp.FormData, lang: str = "en"):
    return await client.post(URL, data=body, headers={"Accept-Language": lang},
                             allow_redirects=False)


async def test_zoom_sample_through_the_form_shows_counts_and_stores_intervals(client, clock):
    api_token = await signed_in_event(client, clock)
    csrf = await event_page_token(client)
    resp = await post(client, form((SAMPLES / "zoom-participants-en.csv").read_bytes(), csrf))
    assert resp.status == 200
    html = await resp.text()
    for label, value in [("Source detected", "zoom"), ("Rows read", "7"),
                         ("Matched to registrations", "5"), ("Walk-ins (not registered)", "2"),
                         ("Intervals added", "7"), ("Intervals outside the event&#39;s window",
                                                    "0")]:
        assert f"<tr><th>{label}</th><td>{value}</td></tr>" in html, label
    assert "America/Guatemala" in html  # the zone the times were read in: the event's
    assert "<td>2</td><td>Meeting summary line</td>" in html
    assert "<td>12</td><td>In the waiting room, not in the meeting</td>" in html
    assert intervals(client) == 7
    people = await registrations(client, api_token)
    assert people["ana@uvg.example"]["attended"] is True
    assert people["ana@uvg.example"]["minutes"] == 57
    # the same file again, with the token of the answer page: nothing counted twice
    resp = await post(client, form((SAMPLES / "zoom-participants-en.csv").read_bytes(),
                                   csrf_from(html), source="zoom"))
    assert resp.status == 200
    assert "<tr><th>Intervals added</th><td>0</td></tr>" in await resp.text()
    assert intervals(client) == 7


async def test_a_wrong_zone_shows_in_outside_window(client, clock):
    await signed_in_event(client, clock)
    resp = await post(client, form((SAMPLES / "zoom-participants-en.csv").read_bytes(),
                                   await event_page_token(client), timezone="Asia/Tokyo"))
    assert resp.status == 200
    html = await resp.text()
    assert "<tr><th>Intervals outside the event&#39;s window</th><td>7</td></tr>" in html
    assert "read in Asia/Tokyo" in html


async def test_a_file_that_is_not_an_export_stores_nothing(client, clock):
    await signed_in_event(client, clock)
    resp = await post(client, form(b"name,colour\nAna,blue\n", await event_page_token(client)))
    assert resp.status == 422
    html = await resp.text()
    assert "Not a Zoom, Teams or Meet attendance export" in html and 'role="alert"' in html
    assert 'name="file"' in html  # the form again
    assert intervals(client) == 0
    assert db_rows(client, "SELECT id FROM event_log WHERE type = 'attendance.imported'") == []


async def test_missing_file_wrong_platform_and_bad_options_are_refused(client, clock):
    await signed_in_event(client, clock)
    csrf = await event_page_token(client)
    resp = await post(client, form(None, csrf))
    assert resp.status == 400 and "Choose the export file to import." in await resp.text()
    resp = await post(client, form(b"", csrf, filename=""))  # a browser's empty file input
    assert resp.status == 400
    sample = (SAMPLES / "zoom-participants-en.csv").read_bytes()
    resp = await post(client, form(sample, csrf, source="webex"))
    assert resp.status == 422 and "Choose a source from the list" in await resp.text()
    resp = await post(client, form(sample, csrf, source="teams"))
    assert resp.status == 422 and "This file is a zoom export, not teams." in await resp.text()
    resp = await post(client, form(sample, csrf, timezone="Mars/Olympus"))
    html = await resp.text()
    assert resp.status == 422 and "Unknown time zone Mars/Olympus." in html
    assert 'value="Mars/Olympus"' in html  # what the organizer typed stays in the form
    assert intervals(client) == 0


async def test_missing_or_forged_form_token_is_refused_and_stores_nothing(client, clock):
    await signed_in_event(client, clock)
    await event_page_token(client)  # the browser holds the form-token cookie
    sample = (SAMPLES / "zoom-participants-en.csv").read_bytes()
    for token in (None, "0" * 64):
        resp = await post(client, form(sample, token))
        assert resp.status == 400
        assert "This form has expired. Please send it again." in await resp.text()
    assert intervals(client) == 0


async def test_sign_in_required_and_another_organizers_event_is_not_found(client, clock):
    await sample_event(client, clock)
    sample = (SAMPLES / "zoom-participants-en.csv").read_bytes()
    resp = await post(client, form(sample, "x"))
    assert resp.status == 303 and resp.headers["Location"].startswith("/admin/login")
    res = resources_of(client)
    await organizers.create(res.store, res.now(), "otra@example.org", "a long password")
    page = await client.get("/admin/login")
    resp = await client.post("/admin/login", allow_redirects=False, data={
        "email": "otra@example.org", "password": "a long password", "next": "/admin/",
        "csrf_token": csrf_from(await page.text())})
    assert resp.status == 303
    csrf = csrf_from(await (await client.get("/admin/")).text())
    resp = await post(client, form(sample, csrf))
    assert resp.status == 404
    assert intervals(client) == 0


async def test_spanish_page(client, clock):
    await signed_in_event(client, clock)
    csrf = await event_page_token(client, "es")
    page = await client.get(f"/admin/events/{SLUG}", headers={"Accept-Language": "es"})
    assert "Importar asistencia" in await page.text()
    resp = await post(client, form((SAMPLES / "zoom-participants-en.csv").read_bytes(), csrf),
                      lang="es")
    html = await resp.text()
    assert resp.status == 200
    assert "<tr><th>Plataforma detectada</th><td>zoom</td></tr>" in html
    assert "<tr><th>Intervalos agregados</th><td>7</td></tr>" in html
    assert "<td>12</td><td>En la sala de espera, no en la reunión</td>" in html
    assert "Las horas sin desfase se leyeron en America/Guatemala." in html
    resp = await post(client, form(b"name,colour\nAna,blue\n", csrf), lang="es")
    html = await resp.text()
    assert resp.status == 422
    assert "No es una exportación de asistencia de Zoom, Teams o Meet" in html
    resp = await post(client, form(b"name\n", None), lang="es")
    assert resp.status == 400
    assert "Este formulario" in await resp.text()


def test_the_upload_limit_is_the_apps_body_limit():
    assert admin.IMPORT_BODY_LIMIT == app_module.MAX_BODY


async def test_a_file_over_the_body_limit_is_refused_and_stores_nothing(client, clock):
    await signed_in_event(client, clock)
    sample = (SAMPLES / "zoom-participants-en.csv").read_bytes()
    big = sample + b"\n" * (admin.IMPORT_BODY_LIMIT - len(sample) + 1)
    resp = await post(client, form(big, await event_page_token(client)))
    assert resp.status == 413
    assert intervals(client) == 0
