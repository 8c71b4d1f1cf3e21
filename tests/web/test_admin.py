"""Organizer sign-in and pages."""

from __future__ import annotations

from tests.conftest import create_event, csrf_from, db_rows, resources_of
from webinar.organizers import accounts as organizers


async def sign_in(client, password="a long password", next_url="/admin/"):
    page = await client.get("/admin/login")
    return await client.post("/admin/login", allow_redirects=False, data={
        "email": "org@example.org", "password": password, "next": next_url,
        "csrf_token": csrf_from(await page.text())})


async def test_admin_requires_sign_in(client):
    resp = await client.get("/admin/", allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"].startswith("/admin/login")


async def test_wrong_password_is_refused(client):
    res = resources_of(client)
    await organizers.create(res.store, res.now(), "org@example.org", "a long password")
    resp = await sign_in(client, password="wrong password")
    assert resp.status == 401
    assert 'value="org@example.org"' in await resp.text()


async def test_sign_in_lists_events_and_signs_out(client):
    res = resources_of(client)
    await organizers.create(res.store, res.now(), "org@example.org", "a long password")
    await create_event(client)
    resp = await sign_in(client)
    assert resp.status == 303 and resp.headers["Location"] == "/admin/"
    page = await client.get("/admin/")
    html = await page.text()
    assert "Foro: Gobierno digital" in html
    stored = db_rows(client, "SELECT token_hash FROM admin_sessions")[0]["token_hash"]
    assert stored and len(stored) == 64
    resp = await client.post("/admin/logout", data={"csrf_token": csrf_from(html)},
                             allow_redirects=False)
    assert resp.status == 303
    assert (await client.get("/admin/", allow_redirects=False)).status == 303


async def test_no_open_redirect_after_sign_in(client):
    res = resources_of(client)
    await organizers.create(res.store, res.now(), "org@example.org", "a long password")
    resp = await sign_in(client, next_url="https://evil.example.org/")
    assert resp.headers["Location"] == "/admin/"
