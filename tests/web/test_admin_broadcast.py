"""A message from the organizers to the registrants (/admin/events/{slug}/registrants/
message) through the real app, SQLite, the scheduler and a real SMTP server: each
confirmed person (or the filtered set) gets it once, wrapped in their language, a double
submit sends nothing more, and a hostile subject is refused before anything is stored."""

from __future__ import annotations

import re
from html import unescape

from tests.conftest import csrf_from, db_rows, run_scheduler
from tests.web.test_admin_registrants import URL, register, setup_event

MESSAGE = f"{URL}/message"
SUBJECT = "Cambio de sala / Room change: ¡nos vemos!"
BODY = "La sala cambió.\r\n\r\nThe room changed =1+1 <b>not html</b>."


async def compose(client, query: str = "", lang: str = "en") -> tuple[str, str, str]:
    page = await client.get(f"{MESSAGE}?{query}", headers={"Accept-Language": lang})
    assert page.status == 200
    html = unescape(await page.text())
    key = re.search(r'name="form_key" value="([^"]+)"', html).group(1)
    return html, csrf_from(html), key


async def send(client, csrf: str, key: str, subject: str = SUBJECT, body: str = BODY,
               query: str = ""):
    resp = await client.post(MESSAGE, data={"csrf_token": csrf, "form_key": key,
                                            "subject": subject, "body": body, "back": query},
                             headers={"Accept-Language": "en"})
    return resp, unescape(await resp.text())


async def people(client) -> dict[str, dict]:
    return {
        "ana": await register(client, 1, name="Ana", language="es"),
        "bob": await register(client, 2, name="Bob", language="en", sector="public"),
        "cai": await register(client, 3, name="Cai", language="en"),  # waitlisted
    }


async def test_each_confirmed_person_once_in_their_language(mail_client, smtp):
    client = mail_client
    inbox, _port = smtp
    await setup_event(client, capacity=2)
    who = await people(client)
    assert who["cai"]["status"] == "waitlisted"
    await run_scheduler(client)
    await inbox.wait_for(3)
    before = len(inbox.messages)
    html, csrf, key = await compose(client)
    assert "It goes to 2 confirmed registrants" in html
    resp, html = await send(client, csrf, key)
    assert resp.status == 200 and "on its way to 2 registrants, once each" in html
    resp, html = await send(client, csrf, key)  # the same form again
    assert "already sent from this form; nothing more was sent" in html
    assert db_rows(client, "SELECT COUNT(*) AS n FROM deliveries WHERE kind = 'broadcast'"
                   ) == [{"n": 2}]
    await run_scheduler(client)
    await inbox.wait_for(before + 2)
    await run_scheduler(client)
    new = inbox.messages[before:]
    assert len(new) == 2 and not inbox.to(who["cai"]["email"])[3:]
    ana = [m for m in new if who["ana"]["email"] in str(m["To"])][0]
    bob = [m for m in new if who["bob"]["email"] in str(m["To"])][0]
    assert str(ana["Subject"]) == SUBJECT == str(bob["Subject"])
    ana_text = ana.get_body(("plain",)).get_content()
    bob_text = bob.get_body(("plain",)).get_content()
    assert ana_text.startswith("Hola, Ana:") and bob_text.startswith("Hello Bob,")
    assert "The room changed =1+1 <b>not html</b>." in bob_text
    assert "Los organizadores de" in ana_text and "The organizers of" in bob_text
    assert "/j/" in bob_text  # their personal join link
    assert "&lt;b&gt;not html" in bob.get_body(("html",)).get_content()
    assert ana["Content-Language"] == "es"


async def test_the_filtered_set_and_the_waitlist(mail_client, smtp):
    client = mail_client
    await setup_event(client, capacity=2)
    await people(client)
    html, csrf, key = await compose(client, "sector=public")
    assert "It goes to 1 confirmed registrant " in html
    resp, html = await send(client, csrf, key, query="sector=public")
    assert "on its way to 1 registrant" in html
    html, csrf, key = await compose(client, "status=waitlisted")
    resp, html = await send(client, csrf, key, query="status=waitlisted")
    assert "on its way to 1 registrant" in html
    rows = db_rows(client, "SELECT d.kind, r.name FROM deliveries d JOIN registrations r"
                           " ON r.id = d.registration_id WHERE kind = 'broadcast' ORDER BY d.id")
    assert [r["name"] for r in rows] == ["Bob", "Cai"]
    html, csrf, key = await compose(client, "status=cancelled")
    assert "Cancelled registrations receive no messages" in html
    resp, html = await send(client, csrf, key, query="status=cancelled")
    assert "on its way to 0 registrants" in html


async def test_a_hostile_subject_is_refused_and_nothing_is_stored(client):
    await setup_event(client)
    await people(client)
    _html, csrf, key = await compose(client)
    for subject in ("=?utf-8?q?Hi=0D=0ABcc:_x@evil.example?=", "Hi\r\nBcc: x@evil.example",
                    "Hi\nthere", ""):
        resp, html = await send(client, csrf, key, subject=subject)
        assert resp.status == 422, subject
        assert 'class="error" id="m-subject-error"' in html
    resp, html = await send(client, csrf, key, body="   ")
    assert resp.status == 422 and 'id="m-body-error"' in html
    resp, html = await send(client, "forged", key)
    assert resp.status == 400
    assert db_rows(client, "SELECT COUNT(*) AS n FROM broadcasts") == [{"n": 0}]
    assert db_rows(client, "SELECT COUNT(*) AS n FROM deliveries WHERE kind = 'broadcast'"
                   ) == [{"n": 0}]
