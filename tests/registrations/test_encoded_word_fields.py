"""Text shaped like an RFC 2047 encoded word (=?charset?q?...?=) is refused in every
registration field that can reach a mail header, with a field error in the person's
language, on the form and on the API."""

from __future__ import annotations

from tests.conftest import create_event, db_rows, person, submit_form

# The reviewer's payload: once decoded in a header it adds Bcc, Content-Type and a body.
EVIL_NAME = ("=?utf-8?q?Ana=0D=0ABcc:_x@evil.test=0D=0AContent-Type:_text/html=0D=0A=0D=0A"
             "<a_href=3Dhttp://evil.test>Reset</a>?=")


def registrations(client) -> list:
    return db_rows(client, "SELECT * FROM registrations")


async def test_form_refuses_an_encoded_word_name_in_spanish(client):
    event = await create_event(client)
    resp = await submit_form(client, event["slug"], person(1, name=EVIL_NAME))
    assert resp.status == 422
    html = await resp.text()
    assert 'id="name-error"' in html
    assert "Este texto no puede contener «=?» seguido de «?=»." in html
    assert registrations(client) == []


async def test_form_refuses_an_encoded_word_organization_in_english(client):
    event = await create_event(client)
    resp = await submit_form(client, event["slug"],
                             person(1, language="en", organization="=?utf-8?b?QUNNRQ==?="),
                             lang="en")
    assert resp.status == 422
    html = await resp.text()
    assert 'id="organization-error"' in html and 'id="name-error"' not in html
    assert "This text cannot contain “=?” followed by “?=”." in html
    assert registrations(client) == []


async def test_api_answers_a_field_error_for_each_encoded_word(client):
    event = await create_event(client)
    body = {**person(1, name=EVIL_NAME, organization="ACME =?utf-8?q?x?=",
                     position="=?iso-8859-1?q?Jefa?=",
                     email="=?utf-8?q?a=0D=0ABcc=3A_x=40evil.test?=@example.org"),
            "consent": True}
    resp = await client.post(f"/api/v1/events/{event['slug']}/registrations", json=body,
                             headers={"Accept-Language": "en"})
    assert resp.status == 422
    errors = (await resp.json())["errors"]
    assert set(errors) == {"name", "organization", "position", "email"}
    assert errors["name"] == "This text cannot contain “=?” followed by “?=”."
    assert registrations(client) == []


async def test_ordinary_text_with_question_marks_and_equals_is_accepted(client):
    event = await create_event(client)
    resp = await submit_form(client, event["slug"],
                             person(1, name="Ana ¿Pérez? = Ana", organization="A=B? S.A."))
    assert resp.status == 303
