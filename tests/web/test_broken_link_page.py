"""A broken or mistyped personal link says where the right one is and how to get it
again; other 404s stay plain."""

from __future__ import annotations

from tests.conftest import create_event, db_rows, person, run_scheduler, submit_form


async def test_a_mistyped_personal_link_says_where_the_right_one_is(client):
    for path in ("/r/not-a-token", "/j/not-a-token", "/r/not-a-token/calendar.ics"):
        resp = await client.get(f"{path}?lang=en")
        assert resp.status == 404
        html = await resp.text()
        assert "confirmation email" in html
        assert "register again with the same address" in html
        assert "not-a-token" not in html  # the token is not echoed
    es = await (await client.get("/j/x?lang=es")).text()
    assert "correo de confirmación" in es


async def test_other_pages_keep_the_plain_404(client):
    html = await (await client.get("/events/nope?lang=en")).text()
    assert "This page does not exist." in html and "confirmation email" not in html


async def test_registering_again_resends_the_links_as_the_page_promises(client):
    """The promise holds: the duplicate rule mails the links again."""
    await create_event(client)
    await submit_form(client, "foro-digital", person(1))
    again = await submit_form(client, "foro-digital", person(1))
    assert again.status == 200
    assert "personal" in (await again.text()).lower()
    await run_scheduler(client)
    kinds = [r["kind"] for r in db_rows(client, "SELECT kind FROM deliveries")]
    assert "resend" in kinds
