"""Co-organizer invitations: one mail through the deliveries table to a real SMTP server,
a single-use link stored only as a hash, and the invited person managing the event."""

from __future__ import annotations

import hashlib
import re

from tests.conftest import csrf_from, db_rows, resources_of, run_scheduler
from tests.web.admin_helpers import form_data, post_form, signed_in
from webinar.organizers import accounts, invitations

LINK = re.compile(r"http://testserver(/admin/invite/[A-Za-z0-9_-]+)")


async def test_new_address_gets_one_invitation_and_its_link_works_once(mail_client, smtp):
    client = mail_client
    inbox, _port = smtp
    await signed_in(client)
    emails = "org@example.org\nCo@Example.org"
    resp = await post_form(client, "/admin/events/new", form_data(organizer_emails=emails))
    assert resp.status == 303 and "invited=1" in resp.headers["Location"]
    # Saving again while the link works invites nobody twice.
    resp = await post_form(client, "/admin/events/foro-admin/edit",
                           {k: v for k, v in form_data(organizer_emails=emails).items()
                            if k != "status"}, page_url="/admin/events/foro-admin/edit")
    assert "invited=0" in resp.headers["Location"]
    await run_scheduler(client)
    await run_scheduler(client)
    await inbox.wait_for(1)
    assert len(inbox.to("co@example.org")) == 1 and len(inbox.messages) == 1
    mail = inbox.to("co@example.org")[0]
    assert "Foro desde el formulario" in str(mail["Subject"])
    body = mail.get_body(("plain",)).get_content()
    path = LINK.search(body).group(1)
    token = path.rsplit("/", 1)[1]
    # Stored only as its SHA-256.
    stored = db_rows(client, "SELECT token_hash, nonce FROM invitations")
    assert stored[0]["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(stored)
    assert db_rows(client, "SELECT status FROM deliveries WHERE kind = 'invitation'") == [
        {"status": "sent"}]

    # The invited person, in their own browser (no cookies of the inviter).
    client.session.cookie_jar.clear()
    guest = client
    page = await guest.get(path)
    assert page.status == 200 and "co@example.org" in await page.text()
    csrf = csrf_from(await page.text())
    resp = await guest.post(path, data={"csrf_token": csrf, "password": "short",
                                        "password_again": "short"}, allow_redirects=False)
    assert resp.status == 422 and "8" in await resp.text()
    resp = await guest.post(path, data={"csrf_token": csrf, "password": "a new password",
                                        "password_again": "a new password"},
                            allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "/admin/"
    listing = await (await guest.get("/admin/")).text()
    assert "Foro desde el formulario" in listing
    assert (await guest.get("/admin/events/foro-admin/edit")).status == 200
    # Once only.
    assert (await guest.get(path)).status == 404
    resp = await guest.post(path, data={"csrf_token": csrf, "password": "another one!",
                                        "password_again": "another one!"})
    assert resp.status == 404
    # The password set through the link is the one that signs in.
    res = resources_of(client)
    assert await accounts.check_password(res.store, "co@example.org", "a new password")


async def test_unknown_or_expired_link_is_a_404(client):
    await signed_in(client)
    await post_form(client, "/admin/events/new",
                    form_data(organizer_emails="org@example.org\nco@example.org"))
    assert (await client.get("/admin/invite/not-a-token")).status == 404
    assert (await client.get("/admin/invite/" + "x" * 500)).status == 404
    res = resources_of(client)
    nonce = db_rows(client, "SELECT nonce FROM invitations")[0]["nonce"]
    path = "/admin/invite/" + invitations.token_for(res.settings.ensure_secret_key(), nonce)
    assert (await client.get(path)).status == 200
    res.clock.advance(days=7, seconds=1)  # type: ignore[attr-defined]
    assert (await client.get(path)).status == 404


async def test_address_with_an_account_gets_no_invitation(client):
    await signed_in(client)
    res = resources_of(client)
    await accounts.create(res.store, res.now(), "co@example.org", "their own password")
    resp = await post_form(client, "/admin/events/new",
                           form_data(organizer_emails="org@example.org\nco@example.org"))
    assert "invited=0" in resp.headers["Location"]
    assert db_rows(client, "SELECT id FROM invitations") == []
