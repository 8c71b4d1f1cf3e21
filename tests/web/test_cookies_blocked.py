"""With cookies blocked the forms still refuse to act (their CSRF cookie is required), but
the page says cookies are needed, instead of 'this form expired'."""

from __future__ import annotations

from tests.conftest import create_event, csrf_from, db_rows, person, submit_form

COOKIES = "This form needs cookies"


async def test_the_registration_form_says_cookies_are_needed(client):
    event = await create_event(client)
    page = await client.get(f"/events/{event['slug']}?lang=en")
    token = csrf_from(await page.text())
    client.session.cookie_jar.clear()  # what a browser blocking cookies sends: none
    resp = await client.post(f"/events/{event['slug']}/register?lang=en",
                             data={"csrf_token": token, **person(1)})
    assert resp.status == 400
    html = await resp.text()
    assert COOKIES in html and "expired" not in html
    assert db_rows(client, "SELECT id FROM registrations") == []


async def test_a_stale_token_with_a_cookie_still_says_expired(client):
    event = await create_event(client)
    await client.get(f"/events/{event['slug']}")
    resp = await client.post(f"/events/{event['slug']}/register?lang=en",
                             data={"csrf_token": "0" * 64, **person(1)})
    assert resp.status == 400
    html = await resp.text()
    assert "expired" in html and COOKIES not in html


async def test_cancel_and_details_say_it_too(client):
    event = await create_event(client)
    manage = (await submit_form(client, event["slug"], person(1))).headers["Location"]
    manage = manage.split("?")[0]
    token = csrf_from(await (await client.get(f"{manage}/cancel")).text())
    for path in (f"{manage}/cancel", f"{manage}/details"):
        client.session.cookie_jar.clear()  # each answer offers a cookie; it is refused
        resp = await client.post(f"{path}?lang=en", data={
            "csrf_token": token, "name": "X", "language": "en"})
        assert resp.status == 400
        assert COOKIES in await resp.text(), path
    assert db_rows(client, "SELECT status FROM registrations")[0]["status"] == "confirmed"
