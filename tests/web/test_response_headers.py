"""Every answer carries the security headers, redirects included; answers that carry a
personal token (in the body, in a link or in Location) are never stored by a cache."""

from __future__ import annotations

from tests.conftest import (
    create_event,
    csrf_from,
    organizer_token,
    person,
    register_api,
    resources_of,
    submit_form,
)
from webinar.organizers import accounts as organizers


def assert_secure(resp, what: str) -> None:
    headers = resp.headers
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("Referrer-Policy") == "no-referrer", what
    assert "frame-ancestors 'none'" in headers.get("Content-Security-Policy", ""), what


def assert_no_store(resp, what: str) -> None:
    assert "no-store" in resp.headers.get("Cache-Control", ""), what


async def test_redirects_carry_the_security_headers(client):
    to_admin = await client.get("/admin", allow_redirects=False)
    assert to_admin.status == 302
    assert_secure(to_admin, "/admin -> /admin/")
    sign_in = await client.get("/admin/", allow_redirects=False)
    assert sign_in.status == 303
    assert_secure(sign_in, "/admin/ -> sign-in")


async def test_answers_with_personal_tokens_are_not_stored(client, clock):
    event = await create_event(client)
    registered = await submit_form(client, event["slug"], person(1))
    assert registered.status == 303 and "/r/" in registered.headers["Location"]
    assert_secure(registered, "form -> manage page")
    assert_no_store(registered, "form -> manage page")

    manage_url = registered.headers["Location"].split("?")[0]
    for path in (manage_url, f"{manage_url}/calendar.ics", f"{manage_url}/cancel"):
        resp = await client.get(path)
        assert resp.status == 200, path
        assert_secure(resp, path)
        assert_no_store(resp, path)

    page = await client.get(f"{manage_url}/cancel")
    cancelled = await client.post(f"{manage_url}/cancel", allow_redirects=False,
                                  data={"csrf_token": csrf_from(await page.text())})
    assert cancelled.status == 303
    assert_secure(cancelled, "cancel -> manage page")
    assert_no_store(cancelled, "cancel -> manage page")

    api = await register_api(client, event["slug"], person(2))
    assert api.status == 201 and "manage_link" in await api.json()
    assert_secure(api, "API registration")
    assert_no_store(api, "API registration")
    join = (await api.json())["join_link"].replace("http://testserver", "")

    token = await organizer_token(client)
    listing = await client.get(f"/api/v1/events/{event['slug']}/registrations",
                               headers={"Authorization": f"Bearer {token}"})
    assert listing.status == 200
    assert_secure(listing, "API registrations list")
    assert_no_store(listing, "API registrations list")

    clock.advance(days=3, minutes=1)  # the event has started: the join link redirects
    entered = await client.get(join, allow_redirects=False)
    assert entered.status == 303
    assert_secure(entered, "join -> platform")
    assert_no_store(entered, "join -> platform")


async def test_admin_pages_and_sign_in_are_not_stored(client, clock):
    res = resources_of(client)
    await organizers.create(res.store, res.now(), "org@example.org", "a long password")
    page = await client.get("/admin/login")
    assert_secure(page, "sign-in page")
    signed_in = await client.post("/admin/login", allow_redirects=False, data={
        "email": "org@example.org", "password": "a long password", "next": "/admin/",
        "csrf_token": csrf_from(await page.text())})
    assert signed_in.status == 303
    assert_secure(signed_in, "sign-in -> dashboard")
    assert_no_store(signed_in, "sign-in -> dashboard")
    dashboard = await client.get("/admin/")
    assert dashboard.status == 200
    assert_secure(dashboard, "dashboard")
    assert_no_store(dashboard, "dashboard")


async def test_errors_and_public_pages_keep_the_headers(client):
    event = await create_event(client)
    for path in (f"/events/{event['slug']}", "/nowhere", "/api/v1/nowhere", "/r/unknown"):
        resp = await client.get(path)
        assert_secure(resp, path)
