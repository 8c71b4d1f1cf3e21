"""The waitlist is served in the order people joined it: someone who cancels and
registers again queues behind those who waited meanwhile, not by their first sign-up."""

from __future__ import annotations

from contextlib import closing

from tests.conftest import (
    cancel_registration,
    create_event,
    database_at_version,
    db_rows,
    person,
    register_api,
)
from webinar.store.sqlite.database import SqliteStore


async def cancel(client, manage_link: str) -> None:
    resp = await cancel_registration(client, manage_link.rsplit("/", 1)[1])
    assert resp.status == 303


def statuses(client) -> dict[str, str]:
    return {r["email"]: r["status"]
            for r in db_rows(client, "SELECT email, status FROM registrations")}


async def test_registering_again_joins_the_end_of_the_waitlist(client, clock):
    event = await create_event(client, capacity=1)
    first = await (await register_api(client, event["slug"], person(1))).json()
    clock.advance(minutes=1)
    early = await (await register_api(client, event["slug"], person(2))).json()
    assert early["status"] == "waitlisted"
    clock.advance(minutes=1)
    await cancel(client, early["manage_link"])
    clock.advance(minutes=1)
    patient = await (await register_api(client, event["slug"], person(3))).json()
    assert patient["status"] == "waitlisted"
    clock.advance(minutes=1)
    again = await (await register_api(client, event["slug"], person(2))).json()
    assert again["status"] == "waitlisted"
    clock.advance(minutes=1)
    await cancel(client, first["manage_link"])  # frees the one seat
    assert statuses(client) == {"persona1@example.org": "cancelled",
                                "persona2@example.org": "waitlisted",
                                "persona3@example.org": "confirmed"}


async def test_waitlisted_at_is_when_the_registration_last_became_waitlisted(client, clock):
    event = await create_event(client, capacity=1)
    await register_api(client, event["slug"], person(1))
    reg = await (await register_api(client, event["slug"], person(2))).json()
    joined = db_rows(client, "SELECT waitlisted_at FROM registrations WHERE id = ?",
                     (reg["id"],))[0]["waitlisted_at"]
    assert joined
    clock.advance(hours=1)
    await cancel(client, reg["manage_link"])
    await register_api(client, event["slug"], person(2))
    [row] = db_rows(client, "SELECT * FROM registrations WHERE id = ?", (reg["id"],))
    assert row["status"] == "waitlisted"
    assert row["waitlisted_at"] > joined and row["waitlisted_at"] > row["created_at"]


async def test_migration_backfills_waitlisted_at(tmp_path):
    path = tmp_path / "old.db"
    with closing(database_at_version(path, 2)) as conn:
        rows = [  # email, status, created_at, updated_at
            ("a@example.org", "confirmed", "2026-01-01", "2026-01-01"),
            ("b@example.org", "waitlisted", "2026-01-02", "2026-01-02"),
            ("c@example.org", "waitlisted", "2026-01-01", "2026-01-05"),  # came back
        ]
        for email, status, created, updated in rows:
            conn.execute(
                "INSERT INTO registrations (event_id, token, email, name, sector, country,"
                " language, status, consent_at, created_at, updated_at)"
                " VALUES (1, ?, ?, 'P', 'academic', 'GT', 'es', ?, 'x', ?, ?)",
                (f"t-{email}", email, status, created, updated))
        conn.commit()
    store = SqliteStore(path)
    await store.connect()
    try:
        await store.migrate()
        queue = await store.registrations.first_waitlisted(1, 10)
    finally:
        await store.close()
    assert [(r["email"], r["waitlisted_at"]) for r in queue] == [
        ("b@example.org", "2026-01-02"), ("c@example.org", "2026-01-05")]
