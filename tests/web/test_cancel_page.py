"""Cancelling from the manage page: a link to a confirmation page whose form cancels; an
expired or missing form token says so and offers the button again. No JavaScript."""

from __future__ import annotations

from tests.conftest import create_event, csrf_from, db_rows, person, submit_form


async def _registered(client, **overrides) -> tuple[dict, str]:
    event = await create_event(client, **overrides)
    resp = await submit_form(client, event["slug"], person(1))
    assert resp.status == 303
    return event, resp.headers["Location"].split("?")[0]


def _status(client) -> str:
    return db_rows(client, "SELECT status FROM registrations")[0]["status"]


async def test_manage_page_links_to_a_confirmation_page(client):
    event, manage_url = await _registered(client)
    html = await (await client.get(manage_url)).text()
    assert f'href="{manage_url}/cancel"' in html
    assert 'action="' + manage_url + '/cancel"' not in html  # no form on the manage page

    page = await client.get(f"{manage_url}/cancel?lang=en")
    assert page.status == 200
    assert page.headers["Cache-Control"] == "no-store"
    html = await page.text()
    assert f"Cancel your seat for {event['title']}?" in html
    assert f'<form method="post" action="{manage_url}/cancel"' in html
    assert f'href="{manage_url}"' in html  # and a way back that cancels nothing
    assert "<script" not in html
    es = await (await client.get(f"{manage_url}/cancel?lang=es")).text()
    assert f"¿Cancelar su lugar en “{event['title']}”?" in es
    assert _status(client) == "confirmed"  # looking is not cancelling


async def test_the_confirmation_form_cancels_at_once(client):
    _event, manage_url = await _registered(client)
    page = await client.get(f"{manage_url}/cancel")
    resp = await client.post(f"{manage_url}/cancel", allow_redirects=False,
                             data={"csrf_token": csrf_from(await page.text())})
    assert resp.status == 303
    assert resp.headers["Location"] == f"{manage_url}?cancelled=1"
    assert _status(client) == "cancelled"
    notice = await (await client.get(resp.headers["Location"])).text()
    assert "Su inscripción fue cancelada." in notice


async def test_an_expired_form_says_so_and_offers_the_button_again(client):
    _event, manage_url = await _registered(client)
    # A token from an older cookie (the browser replaced it since): expired. (With no
    # cookie at all the page says cookies are needed: tests/web/test_cookies_blocked.py.)
    resp = await client.post(f"{manage_url}/cancel?lang=en", allow_redirects=False,
                             data={"csrf_token": "0" * 64})
    assert resp.status in (400, 403)
    html = await resp.text()
    assert "expired" in html
    assert _status(client) == "confirmed"
    # The page carries a fresh token (and its cookie): the button works now.
    again = await client.post(f"{manage_url}/cancel", allow_redirects=False,
                              data={"csrf_token": csrf_from(html)})
    assert again.status == 303 and _status(client) == "cancelled"


async def test_a_missing_form_token_is_answered_too(client):
    _event, manage_url = await _registered(client)
    resp = await client.post(f"{manage_url}/cancel", data={}, allow_redirects=False)
    assert resp.status in (400, 403)
    html = await resp.text()
    assert "Este formulario expiró" in html
    assert f'action="{manage_url}/cancel"' in html
    assert _status(client) == "confirmed"


async def test_nothing_to_cancel_leads_back_to_the_manage_page(client):
    _event, manage_url = await _registered(client)
    page = await client.get(f"{manage_url}/cancel")
    await client.post(f"{manage_url}/cancel", data={"csrf_token": csrf_from(await page.text())})
    resp = await client.get(f"{manage_url}/cancel", allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == manage_url
