"""The join link has its own token: a forwarded join link shows no personal data, cannot
cancel and does not lead to the manage page; join links mailed before (which carried the
manage token) keep working until the event ends; new mails carry both links apart."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import timedelta

from icalendar import Calendar

from tests.conftest import (
    EVENT_START,
    cancel_registration,
    create_event,
    csrf_from,
    database_at_version,
    db_rows,
    person,
    register_api,
    run_scheduler,
)
from webinar.store.sqlite.database import SqliteStore


def tokens(reg: dict) -> tuple[str, str]:
    """(join token, manage token) of an API registration."""
    return reg["join_link"].rsplit("/", 1)[1], reg["manage_link"].rsplit("/", 1)[1]


def assert_nothing_personal(html: str, manage_token: str) -> None:
    assert "Persona 1" not in html
    assert "persona1@example.org" not in html
    assert manage_token not in html
    assert "/cancel" not in html and "<form" not in html
    assert "/r/" not in html  # no link to the manage page


async def test_join_token_is_its_own_and_as_strong_as_the_manage_token(client):
    event = await create_event(client)
    reg = await (await register_api(client, event["slug"], person(1))).json()
    join, manage = tokens(reg)
    assert join != manage
    assert len(join) >= 22  # at least 128 bits, URL-safe
    [row] = db_rows(client, "SELECT token, join_token FROM registrations")
    assert (row["join_token"], row["token"]) == (join, manage)


async def test_forwarded_join_link_shows_nothing_personal_and_cannot_manage(client, clock):
    event = await create_event(client, recording_url="https://youtube.example.org/v/1")
    reg = await (await register_api(client, event["slug"], person(1))).json()
    join, manage = tokens(reg)
    # the join token opens neither the manage page, nor its invite, nor cancels
    assert (await client.get(f"/r/{join}")).status == 404
    assert (await client.get(f"/r/{join}/calendar.ics")).status == 404
    page = await client.get(f"/events/{event['slug']}")
    resp = await client.post(f"/r/{join}/cancel",
                             data={"csrf_token": csrf_from(await page.text())},
                             allow_redirects=False)
    assert resp.status == 404
    [row] = db_rows(client, "SELECT status FROM registrations")
    assert row["status"] == "confirmed"
    # before the doors open: the waiting page
    clock.set(EVENT_START - timedelta(hours=1))
    resp = await client.get(f"/j/{join}", allow_redirects=False)
    assert resp.status == 200
    assert_nothing_personal(await resp.text(), manage)
    # at the start: straight to the platform
    clock.set(EVENT_START)
    resp = await client.get(f"/j/{join}", allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "https://zoom.example.org/j/123"
    # after the end: the recording, still nothing personal
    clock.set(EVENT_START + timedelta(hours=3))
    resp = await client.get(f"/j/{join}", allow_redirects=False)
    assert resp.status == 200
    html = await resp.text()
    assert "https://youtube.example.org/v/1" in html
    assert_nothing_personal(html, manage)


async def test_a_waitlisted_persons_forwarded_link_shows_nothing_personal(client, clock):
    event = await create_event(client, capacity=1)
    await register_api(client, event["slug"], person(2))
    reg = await (await register_api(client, event["slug"], person(1))).json()
    join, manage = tokens(reg)
    clock.set(EVENT_START)
    resp = await client.get(f"/j/{join}", allow_redirects=False)
    assert resp.status == 200
    assert_nothing_personal(await resp.text(), manage)


async def test_join_link_mailed_with_the_manage_token_works_until_the_end(client, clock):
    event = await create_event(client)
    reg = await (await register_api(client, event["slug"], person(1))).json()
    _join, manage = tokens(reg)
    clock.set(EVENT_START - timedelta(hours=1))
    resp = await client.get(f"/j/{manage}", allow_redirects=False)
    assert resp.status == 200
    assert_nothing_personal(await resp.text(), manage)
    clock.set(EVENT_START)
    resp = await client.get(f"/j/{manage}", allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "https://zoom.example.org/j/123"
    clock.set(EVENT_START + timedelta(hours=2))
    resp = await client.get(f"/j/{manage}", allow_redirects=False)
    assert resp.status == 200
    html = await resp.text()
    assert "ya finalizó" in html
    assert_nothing_personal(html, manage)


async def test_old_manage_token_link_after_the_end_is_the_end_page_whatever_the_status(
        client, clock):
    event = await create_event(client, capacity=1)
    await register_api(client, event["slug"], person(2))
    reg = await (await register_api(client, event["slug"], person(1))).json()  # waitlisted
    _join, manage = tokens(reg)
    clock.set(EVENT_START + timedelta(hours=2))
    resp = await client.get(f"/j/{manage}", allow_redirects=False)
    assert resp.status == 200
    html = await resp.text()
    assert "ya finalizó" in html and "lista de espera" not in html
    assert_nothing_personal(html, manage)


async def test_new_mail_carries_the_join_token_and_the_manage_link_apart(mail_client, smtp):
    inbox, _port = smtp
    event = await create_event(mail_client)
    reg = await (await register_api(mail_client, event["slug"], person(1))).json()
    join, manage = tokens(reg)
    await run_scheduler(mail_client)
    [msg] = inbox.messages
    text = msg.get_body(preferencelist=("plain",)).get_content()
    html = msg.get_body(preferencelist=("html",)).get_content()
    for body in (text, html):
        assert f"http://testserver/j/{join}" in body
        assert f"http://testserver/r/{manage}" in body
        assert f"/j/{manage}" not in body
    [ics] = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
    vevent = Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    assert str(vevent["LOCATION"]) == f"http://testserver/j/{join}"
    assert f"/j/{manage}" not in str(vevent["DESCRIPTION"])
    # the manage page shows the join link with the join token only
    page = await (await mail_client.get(f"/r/{manage}")).text()
    assert f"http://testserver/j/{join}" in page and f"/j/{manage}" not in page


async def test_registering_again_after_cancelling_keeps_both_tokens(client):
    event = await create_event(client)
    reg = await (await register_api(client, event["slug"], person(1))).json()
    join, manage = tokens(reg)
    assert (await cancel_registration(client, manage)).status == 303
    again = await (await register_api(client, event["slug"], person(1))).json()
    assert tokens(again) == (join, manage)


async def test_migration_gives_existing_registrations_distinct_join_tokens(tmp_path):
    """Rows stored before the join token existed get one each, drawn by the migration."""
    path = tmp_path / "old.db"
    with closing(database_at_version(path, 2)) as conn:
        for n in range(3):
            conn.execute(
                "INSERT INTO registrations (event_id, token, email, name, sector, country,"
                " language, status, consent_at, created_at, updated_at)"
                " VALUES (1, ?, ?, 'P', 'academic', 'GT', 'es', 'confirmed', 'x', 'x', 'x')",
                (f"manage-{n}", f"p{n}@example.org"))
        conn.commit()

    store = SqliteStore(path)
    await store.connect()
    try:
        await store.migrate()
    finally:
        await store.close()
    with closing(sqlite3.connect(path)) as conn:
        joins = [r[0] for r in conn.execute("SELECT join_token FROM registrations")]
    assert len(set(joins)) == 3
    assert all(j and len(j) >= 32 for j in joins)  # at least 128 bits
    assert not {f"manage-{n}" for n in range(3)} & set(joins)
