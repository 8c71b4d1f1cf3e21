"""An organizer's text that can reach a mail header (title, sector labels, speakers'
names, organizers' addresses) is refused when shaped like an RFC 2047 encoded word."""

from __future__ import annotations

from tests.conftest import create_event, event_body, organizer_token

EVIL = "=?utf-8?q?Foro=0D=0ABcc:_x@evil.test?="


async def test_create_refuses_encoded_words_field_by_field(client):
    token = await organizer_token(client)
    body = event_body(title=EVIL, sectors=[{"code": "academic", "es": EVIL, "en": "Academic"}],
                      speakers=[{"name": "Ana", "affiliation": EVIL}],
                      organizer_emails=["=?utf-8?q?o=0D=0ABcc=3A_y?=@example.org"])
    resp = await client.post("/api/v1/events", json=body,
                             headers={"Authorization": f"Bearer {token}",
                                      "Accept-Language": "es"})
    assert resp.status == 422
    errors = (await resp.json())["errors"]
    assert set(errors) == {"title", "sectors", "speakers", "organizer_emails"}
    assert errors["title"] == "Este texto no puede contener «=?» seguido de «?=»."


async def test_patch_refuses_an_encoded_word_title(client):
    token = await organizer_token(client)
    event = await create_event(client, token)
    resp = await client.patch(f"/api/v1/events/{event['slug']}", json={"title": EVIL},
                              headers={"Authorization": f"Bearer {token}",
                                       "Accept-Language": "en"})
    assert resp.status == 422
    assert (await resp.json())["errors"] == {
        "title": "This text cannot contain “=?” followed by “?=”."}
