"""Signing out: an accepted sign-out ends the session on the server too; a forged one (no
valid form token) changes nothing at all, neither the session nor its cookie."""

from __future__ import annotations

from tests.conftest import csrf_from, db_rows, resources_of
from webinar.organizers import accounts as organizers


async def _signed_in(client) -> str:
    res = resources_of(client)
    await organizers.create(res.store, res.now(), "org@example.org", "a long password")
    page = await client.get("/admin/login")
    resp = await client.post("/admin/login", allow_redirects=False, data={
        "email": "org@example.org", "password": "a long password", "next": "/admin/",
        "csrf_token": csrf_from(await page.text())})
    assert resp.status == 303
    return resp.cookies["admin_session"].value


def _sessions(client) -> int:
    return db_rows(client, "SELECT COUNT(*) AS n FROM admin_sessions")[0]["n"]


async def test_sign_out_deletes_the_server_side_session(client):
    token = await _signed_in(client)
    page = await client.get("/admin/")
    resp = await client.post("/admin/logout", allow_redirects=False,
                             data={"csrf_token": csrf_from(await page.text())})
    assert resp.status == 303 and resp.headers["Location"] == "/admin/login"
    assert resp.cookies["admin_session"].value == ""
    assert _sessions(client) == 0
    # The old cookie value, replayed, opens nothing.
    client.session.cookie_jar.update_cookies({"admin_session": token})
    assert (await client.get("/admin/", allow_redirects=False)).status == 303


async def test_a_forged_sign_out_leaves_no_half_state(client):
    await _signed_in(client)
    resp = await client.post("/admin/logout?lang=en", allow_redirects=False,
                             data={"csrf_token": "0" * 64})
    assert resp.status in (400, 403)
    assert "admin_session" not in resp.cookies  # the cookie is not cleared...
    assert _sessions(client) == 1  # ...and the session is not ended: nothing changed
    html = await resp.text()
    assert "expired" in html
    # The answer offers the button again, with a fresh token, and that one works.
    again = await client.post("/admin/logout", allow_redirects=False,
                              data={"csrf_token": csrf_from(html)})
    assert again.status == 303 and _sessions(client) == 0


async def test_sign_out_without_a_session_just_leads_to_sign_in(client):
    page = await client.get("/admin/login")
    resp = await client.post("/admin/logout", allow_redirects=False,
                             data={"csrf_token": csrf_from(await page.text())})
    assert resp.status == 303 and resp.headers["Location"] == "/admin/login"
    forged = await client.post("/admin/logout", allow_redirects=False, data={})
    assert forged.status == 303 and forged.headers["Location"] == "/admin/login"


async def test_a_cross_site_sign_out_without_the_cookie_clears_nothing(client):
    """A cross-site form post carries no session cookie (SameSite=Lax) but its answer's
    Set-Cookie would still apply: it must not clear the cookie of a live session."""
    token = await _signed_in(client)
    client.session.cookie_jar.clear()  # what the browser sends on a cross-site POST
    resp = await client.post("/admin/logout", allow_redirects=False, data={})
    assert resp.status == 303
    assert "admin_session" not in resp.cookies
    assert _sessions(client) == 1
    client.session.cookie_jar.update_cookies({"admin_session": token})
    assert (await client.get("/admin/", allow_redirects=False)).status == 200
