"""Re-planning after an event moves: the update goes to those registered when it moved,
not to those who registered after it (their confirmation already has the new time), and
every confirmed registrant's reminders are planned once, for the new time. The planner
runs only after the later registrations, as it does when the scheduler lags."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import (
    EVENT_START,
    cancel_registration,
    create_event,
    db_rows,
    organizer_token,
    person,
    register_api,
    run_scheduler,
)
from webinar.clock import to_db

NEW_START = EVENT_START + timedelta(days=2)


def mails(client) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = {}
    for row in db_rows(client, "SELECT * FROM deliveries ORDER BY id"):
        if row["status"] != "skipped":
            out.setdefault(row["recipient"], []).append(
                (row["kind"], row["sequence"], row["due_at"]))
    return out


async def move(client, token: str, slug: str) -> None:
    resp = await client.patch(
        f"/api/v1/events/{slug}",
        json={"starts_at": NEW_START.isoformat(),
              "ends_at": (NEW_START + timedelta(hours=2)).isoformat()},
        headers={"Authorization": f"Bearer {token}"})
    assert resp.status == 200


async def cancel(client, manage_link: str) -> None:
    resp = await cancel_registration(client, manage_link.rsplit("/", 1)[1])
    assert resp.status == 303


async def test_registrations_after_a_move_get_no_update(mail_client, smtp, clock):
    inbox, _port = smtp
    token = await organizer_token(mail_client)
    event = await create_event(mail_client, token, reminders=["1d"])
    await register_api(mail_client, event["slug"], person(1))
    back = await (await register_api(mail_client, event["slug"], person(3))).json()
    await cancel(mail_client, back["manage_link"])
    await run_scheduler(mail_client)
    sent_before = len(inbox.messages)

    clock.advance(minutes=5)
    await move(mail_client, token, event["slug"])
    # After the move, before the planner gets to it: a newcomer, and a comeback.
    await register_api(mail_client, event["slug"], person(2))
    await register_api(mail_client, event["slug"], person(3))
    await run_scheduler(mail_client)

    reminder = ("reminder", 1, to_db(NEW_START - timedelta(days=1)))
    planned = mails(mail_client)
    assert sorted(kind for kind, *_ in planned["persona1@example.org"]) == [
        "confirmation", "reminder", "update"]
    assert [m for m in planned["persona1@example.org"] if m[0] == "reminder"] == [reminder]
    assert [m for m in planned["persona2@example.org"] if m[0] != "confirmation"] == [reminder]
    assert [m for m in planned["persona3@example.org"] if m[0] not in (
        "confirmation", "cancelled")] == [reminder]
    assert sorted(str(m["To"]).split()[1] for m in inbox.messages[sent_before:]) == [
        "1", "2", "3"]  # the update to 1, a confirmation each to 2 and 3

    clock.set(NEW_START - timedelta(days=1))
    await run_scheduler(mail_client)
    reminders = inbox.messages[sent_before + 3:]
    assert sorted(str(m["To"]).split()[1] for m in reminders) == ["1", "2", "3"]
