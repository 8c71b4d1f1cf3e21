"""Co-organizer invitations from the JSON API: creating an event or changing its
organizer_emails through /api/v1 invites new addresses exactly as the organizer pages do
(one mail each, through the deliveries table, to a real SMTP server; never twice while a
link works; nothing for an address with an account or for a removed one)."""

from __future__ import annotations

import asyncio
import re

from tests.conftest import (
    create_event,
    csrf_from,
    db_rows,
    event_body,
    organizer_token,
    resources_of,
    run_scheduler,
)
from webinar.app import create_app
from webinar.organizers import accounts

LINK = re.compile(r"http://testserver(/admin/invite/[A-Za-z0-9_-]+)")


async def _deliver(client) -> None:
    await run_scheduler(client)
    await run_scheduler(client)


async def _patch(client, token: str, slug: str, **body):
    resp = await client.patch(f"/api/v1/events/{slug}", json=body,
                              headers={"Authorization": f"Bearer {token}"})
    assert resp.status == 200, await resp.text()
    return await resp.json()


async def test_api_create_invites_a_new_address_once_and_the_link_works(mail_client, smtp):
    client = mail_client
    inbox, _port = smtp
    token = await organizer_token(client)
    await create_event(client, token, organizer_emails=["org@example.org", "Co@Example.org"])
    await _deliver(client)
    await inbox.wait_for(1)
    assert [m["To"] for m in inbox.messages] == ["co@example.org"]
    mail = inbox.messages[0]
    assert "Foro: Gobierno digital" in str(mail["Subject"])
    path = LINK.search(mail.get_body(("plain",)).get_content()).group(1)

    # The same list again (and any other change) sends nothing more.
    await _patch(client, token, "foro-digital",
                 organizer_emails=["org@example.org", "co@example.org"], capacity=50)
    await _deliver(client)
    assert len(inbox.messages) == 1

    client.session.cookie_jar.clear()
    page = await client.get(path)
    assert page.status == 200 and "co@example.org" in await page.text()
    resp = await client.post(path, allow_redirects=False, data={
        "csrf_token": csrf_from(await page.text()), "password": "a new password",
        "password_again": "a new password"})
    assert resp.status == 303 and resp.headers["Location"] == "/admin/"
    assert (await client.get("/admin/events/foro-digital/edit")).status == 200


async def test_api_patch_adding_an_address_invites_it_once(mail_client, smtp):
    client = mail_client
    inbox, _port = smtp
    token = await organizer_token(client)
    await create_event(client, token)
    await _deliver(client)
    assert inbox.messages == []
    emails = ["org@example.org", "nueva@example.org"]
    await _patch(client, token, "foro-digital", organizer_emails=emails)
    await _patch(client, token, "foro-digital", organizer_emails=emails)
    await _deliver(client)
    await inbox.wait_for(1)
    await _deliver(client)
    assert [m["To"] for m in inbox.messages] == ["nueva@example.org"]
    assert len(db_rows(client, "SELECT id FROM invitations")) == 1
    assert db_rows(client, "SELECT status FROM deliveries WHERE kind = 'invitation'") == [
        {"status": "sent"}]


async def test_api_address_with_an_account_or_removed_gets_nothing(client):
    token = await organizer_token(client)
    res = resources_of(client)
    await accounts.create(res.store, res.now(), "co@example.org", "their own password")
    await create_event(client, token, organizer_emails=["org@example.org", "co@example.org"])
    assert db_rows(client, "SELECT id FROM invitations") == []
    # Removing an address changes nothing else: no invitation, no mail planned.
    await _patch(client, token, "foro-digital", organizer_emails=["org@example.org"])
    assert db_rows(client, "SELECT id FROM invitations") == []
    assert db_rows(client, "SELECT id FROM deliveries WHERE kind = 'invitation'") == []


async def test_api_invitation_is_in_the_request_language(mail_client, smtp):
    client = mail_client
    inbox, _port = smtp
    token = await organizer_token(client)
    resp = await client.post("/api/v1/events", json={
        **event_body(), "organizer_emails": ["org@example.org", "co@example.org"]},
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"})
    assert resp.status == 201
    await _deliver(client)
    await inbox.wait_for(1)
    assert inbox.messages[0]["Content-Language"] == "en"
    assert "You are invited to organize" in str(inbox.messages[0]["Subject"])



async def test_two_apps_adding_the_same_address_at_once_invite_it_once(
        aiohttp_client, client, settings, clock):
    """The check and the invitation are in the transaction that saves the event (which
    locks its row): two processes saving at once plan one invitation, not two."""
    token = await organizer_token(client)
    await create_event(client, token)
    other = await aiohttp_client(create_app(settings, clock=clock))
    body = {"organizer_emails": ["org@example.org", "co@example.org"]}
    auth = {"Authorization": f"Bearer {token}"}
    first, second = await asyncio.gather(
        client.patch("/api/v1/events/foro-digital", json=body, headers=auth),
        other.patch("/api/v1/events/foro-digital", json={**body, "capacity": 40},
                    headers=auth))
    assert (first.status, second.status) == (200, 200)
    assert len(db_rows(client, "SELECT id FROM invitations")) == 1
    assert len(db_rows(client, "SELECT id FROM deliveries WHERE kind = 'invitation'")) == 1
