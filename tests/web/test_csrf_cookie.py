"""The CSRF cookie is server-issued and signed: a nonce the client chose (a planted cookie)
is never accepted, and is replaced by a fresh signed one."""

from __future__ import annotations

import hashlib
import hmac

from tests.conftest import create_event, csrf_from, db_rows, person

PLANTED = "attacker-chosen-nonce"


def field_for(nonce: str, secret: str = "test-secret") -> str:
    """The form field an attacker could pair with their nonce, had they the key (worst case)."""
    key = hashlib.sha256(("csrf:" + secret).encode()).digest()
    return hmac.new(key, nonce.encode(), hashlib.sha256).hexdigest()


def _csrf_cookie(client) -> str | None:
    for cookie in client.session.cookie_jar:
        if cookie.key == "csrf":
            return cookie.value
    return None


async def test_a_planted_cookie_is_replaced_by_a_signed_one(client):
    event = await create_event(client)
    client.session.cookie_jar.update_cookies({"csrf": PLANTED})
    page = await client.get(f"/events/{event['slug']}")
    issued = page.cookies.get("csrf")
    assert issued is not None and issued.value != PLANTED
    nonce, _, signature = issued.value.partition(".")
    assert nonce and len(signature) >= 32
    assert csrf_from(await page.text()) != field_for(PLANTED)
    # The fresh cookie and the page's token go together.
    resp = await client.post(f"/events/{event['slug']}/register", allow_redirects=False,
                             data={**person(1), "csrf_token": csrf_from(await page.text())})
    assert resp.status == 303


async def test_an_unsigned_nonce_is_never_accepted(client):
    event = await create_event(client)
    client.session.cookie_jar.update_cookies({"csrf": PLANTED})
    resp = await client.post(f"/events/{event['slug']}/register", allow_redirects=False,
                             data={**person(1), "csrf_token": field_for(PLANTED)})
    assert resp.status == 400
    assert db_rows(client, "SELECT COUNT(*) AS n FROM registrations")[0]["n"] == 0


async def test_a_cookie_with_a_forged_signature_is_refused_and_replaced(client):
    event = await create_event(client)
    await client.get(f"/events/{event['slug']}")
    nonce = _csrf_cookie(client).partition(".")[0]
    forged = f"{nonce}.{'0' * 64}"
    client.session.cookie_jar.clear()
    client.session.cookie_jar.update_cookies({"csrf": forged})
    resp = await client.post(f"/events/{event['slug']}/register", allow_redirects=False,
                             data={**person(1), "csrf_token": field_for(nonce)})
    assert resp.status == 400
    assert resp.cookies["csrf"].value not in (forged, nonce)
