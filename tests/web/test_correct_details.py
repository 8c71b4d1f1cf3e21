"""Correcting one's name, organization, position and language from the manage page:
a form with CSRF, the registration form's rules, logged as registration.updated."""

from __future__ import annotations

import json

from tests.conftest import create_event, csrf_from, db_rows, person, submit_form


async def _manage(client) -> str:
    await create_event(client)
    resp = await submit_form(client, "foro-digital", person(1, name="Pesona Uno"))
    return resp.headers["Location"].split("?")[0]


async def test_a_typo_in_the_name_is_corrected(client):
    manage = await _manage(client)
    html = await (await client.get(f"{manage}?lang=en")).text()
    assert f'href="{manage}/details"' in html
    page = await client.get(f"{manage}/details?lang=en")
    assert page.status == 200 and page.headers["Cache-Control"] == "no-store"
    form_html = await page.text()
    assert 'value="Pesona Uno"' in form_html
    resp = await client.post(f"{manage}/details", allow_redirects=False, data={
        "csrf_token": csrf_from(form_html), "name": "Persona Uno", "organization": "FLACSO",
        "position": "", "language": "en", "email": "other@example.org"})
    assert resp.status == 303
    assert resp.headers["Location"] == f"{manage}?updated=1"
    row = db_rows(client, "SELECT * FROM registrations")[0]
    assert (row["name"], row["organization"], row["position"], row["language"]) == \
        ("Persona Uno", "FLACSO", "", "en")
    assert row["email"] == "persona1@example.org"  # the address is not a detail to change
    log = db_rows(client, "SELECT * FROM event_log WHERE type = 'registration.updated'")
    assert len(log) == 1 and log[0]["registration_id"] == row["id"]
    assert "Persona" not in log[0]["payload"]  # which fields changed, not their values
    assert json.loads(log[0]["payload"]) == {"fields": ["language", "name", "organization",
                                                        "position"]}
    done = await (await client.get(resp.headers["Location"])).text()
    assert "Your details have been updated." in done and "Persona Uno" in done


async def test_invalid_details_are_shown_again_with_their_errors(client):
    manage = await _manage(client)
    page = await client.get(f"{manage}/details?lang=en")
    resp = await client.post(f"{manage}/details?lang=en", allow_redirects=False, data={
        "csrf_token": csrf_from(await page.text()), "name": "  ", "organization": "x" * 300,
        "position": "Docente", "language": "es"})
    assert resp.status == 422
    html = await resp.text()
    assert 'aria-describedby="name-error"' in html
    assert 'aria-describedby="organization-error"' in html
    assert 'value="Docente"' in html
    assert db_rows(client, "SELECT name FROM registrations")[0]["name"] == "Pesona Uno"


async def test_without_the_form_token_nothing_changes(client):
    manage = await _manage(client)
    resp = await client.post(f"{manage}/details", allow_redirects=False, data={
        "name": "Mallory", "organization": "", "position": "", "language": "es"})
    assert resp.status == 400
    assert db_rows(client, "SELECT name FROM registrations")[0]["name"] == "Pesona Uno"
    assert db_rows(client, "SELECT id FROM event_log WHERE type = 'registration.updated'") == []


async def test_unknown_token_is_404(client):
    await create_event(client)
    assert (await client.get("/r/nope/details")).status == 404
