"""The mail planner on a real SQLite store with fixed times: what each change in the log
plans or skips, looked at right after planning (before any send-time rule could hide it)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import EVENT_START, NOW
from tests.factories import DOMAIN, change_event, new_event, open_store, sign_up
from webinar.clock import to_db
from webinar.mail.planner import CONSUMER, message_id, plan_from_log
from webinar.outbox import log
from webinar.registrations import service as registrations


@pytest.fixture
async def store(tmp_path):
    async with open_store(tmp_path / "webinar.db") as store:
        yield store


async def plan(store, now=NOW) -> None:
    await plan_from_log(store, now, DOMAIN)


async def mail(store, event, kind: str | None = None) -> list[dict]:
    rows = await store.deliveries.listing(event.id, None, 1000)
    return sorted((r for r in rows if kind is None or r["kind"] == kind),
                  key=lambda r: r["id"])


def summary(rows) -> list[tuple]:
    return [(r["recipient"].split("@")[0], r["detail"], r["sequence"], r["status"],
             r["last_error"]) for r in rows]


async def test_reminders_come_back_when_a_cancelled_person_registers_again(store):
    event = await new_event(store, reminders=["1d", "1h"])
    reg = await sign_up(store, NOW, event, 1)
    await plan(store)
    await registrations.cancel(store, NOW + timedelta(minutes=1), event, reg.token)
    await plan(store)
    assert summary(await mail(store, event, "reminder")) == [
        ("persona1", "1d", 0, "skipped", "registration cancelled"),
        ("persona1", "1h", 0, "skipped", "registration cancelled")]
    again = await sign_up(store, NOW + timedelta(minutes=2), event, 1)
    assert again.id == reg.id
    await plan(store, NOW + timedelta(minutes=2))
    reminders = await mail(store, event, "reminder")
    assert summary(reminders) == [("persona1", "1d", 0, "pending", None),
                                  ("persona1", "1h", 0, "pending", None)]
    assert [r["due_at"] for r in reminders] == [
        to_db(EVENT_START - timedelta(days=1)), to_db(EVENT_START - timedelta(hours=1))]


async def test_cancelling_the_event_skips_reminders_and_tells_everyone_still_registered(store):
    event = await new_event(store, capacity=1, reminders=["1h"])
    await sign_up(store, NOW, event, 1)
    await sign_up(store, NOW, event, 2)  # waitlisted
    gone = await sign_up(store, NOW, event, 3)
    await registrations.cancel(store, NOW, event, gone.token)
    await plan(store)
    await change_event(store, NOW + timedelta(hours=1), event.slug, status="cancelled")
    await plan(store, NOW + timedelta(hours=1))
    assert summary(await mail(store, event, "reminder")) == [
        ("persona1", "1h", 0, "skipped", "event cancelled")]
    assert sorted(r["recipient"] for r in await mail(store, event, "event_cancelled")) == [
        "persona1@example.org", "persona2@example.org"]
    # only reminders are skipped: notices already planned still go, then the cancellation
    assert sorted((r["kind"], r["status"]) for r in await mail(store, event)
                  if r["kind"] in ("confirmation", "waitlisted")) == [
        ("confirmation", "pending"), ("waitlisted", "pending"), ("waitlisted", "pending")]


async def test_new_offsets_alone_replan_the_reminders_without_an_update(store):
    event = await new_event(store, capacity=1, reminders=["1d"])
    await sign_up(store, NOW, event, 1)
    await sign_up(store, NOW, event, 2)  # waitlisted
    await plan(store)
    await change_event(store, NOW + timedelta(hours=1), event.slug, reminders=["2h"])
    await plan(store, NOW + timedelta(hours=1))
    assert summary(await mail(store, event, "reminder")) == [
        ("persona1", "1d", 0, "skipped", "re-planned"),
        ("persona1", "2h", 0, "pending", None)]
    assert await mail(store, event, "update") == []
    # only reminders are re-planned: the mail not sent yet still goes
    assert [r["status"] for r in await mail(store, event) if r["kind"] != "reminder"] == [
        "pending", "pending"]


async def test_a_move_replans_under_the_new_sequence_and_tells_everyone_registered(store):
    event = await new_event(store, capacity=1, reminders=["1h"])
    await sign_up(store, NOW, event, 1)
    await sign_up(store, NOW, event, 2)  # waitlisted
    await plan(store)
    start = EVENT_START + timedelta(days=1)
    await change_event(store, NOW, event.slug, starts_at=start.isoformat(),
                       ends_at=(start + timedelta(hours=2)).isoformat())
    await plan(store)
    reminders = await mail(store, event, "reminder")
    assert summary(reminders) == [("persona1", "1h", 0, "skipped", "re-planned"),
                                  ("persona1", "1h", 1, "pending", None)]
    assert reminders[1]["due_at"] == to_db(start - timedelta(hours=1))
    assert sorted((r["recipient"], r["sequence"]) for r in await mail(store, event, "update")) \
        == [("persona1@example.org", 1), ("persona2@example.org", 1)]


async def test_replanning_starts_from_when_the_seat_was_confirmed(store):
    """The offsets change (logged first), then someone registers after the new 2d mark;
    one planner pass handles both: that person gets no 2d reminder."""
    event = await new_event(store, reminders=["1h"])
    await change_event(store, NOW + timedelta(minutes=1), event.slug, reminders=["2d", "1h"])
    late = EVENT_START - timedelta(days=1)
    await sign_up(store, late, event, 1)
    await plan(store, late)
    assert summary(await mail(store, event, "reminder")) == [
        ("persona1", "1h", 0, "pending", None)]


async def test_a_promoted_person_gets_only_the_reminders_still_ahead(store):
    event = await new_event(store, capacity=1, reminders=["1d", "1h"])
    first = await sign_up(store, NOW, event, 1)
    await sign_up(store, NOW, event, 2)
    await plan(store)
    late = EVENT_START - timedelta(hours=12)
    await registrations.cancel(store, late, event, first.token)
    await plan(store, late)
    assert [r["kind"] for r in await mail(store, event) if r["recipient"].startswith(
        "persona2")] == ["waitlisted", "promoted", "reminder"]
    assert summary(await mail(store, event, "reminder"))[-1] == (
        "persona2", "1h", 0, "pending", None)


async def test_links_are_sent_again_at_most_once_an_hour(store):
    event = await new_event(store)
    await sign_up(store, NOW, event, 1)
    for minutes in (0, 59, 60, 61, 119):
        at = NOW + timedelta(minutes=minutes)
        await sign_up(store, at, event, 1)  # a duplicate: the links are sent again
        await plan(store, at)
    resent = [r["created_at"] for r in await mail(store, event, "resend")]
    assert resent == [to_db(NOW), to_db(NOW + timedelta(minutes=60))]


def test_message_ids_are_stable_per_planned_mail_and_distinct_between_them():
    first = message_id("confirmation:1:5", DOMAIN)
    assert first == message_id("confirmation:1:5", DOMAIN)
    assert first != message_id("confirmation:2:6", DOMAIN)
    local, _, domain = first.strip("<>").partition("@")
    assert domain == DOMAIN and len(local) == 32 and int(local, 16) >= 0


async def test_each_planned_row_carries_its_key_s_message_id_and_the_cursor_moves(store):
    event = await new_event(store, reminders=["1h"])
    await sign_up(store, NOW, event, 1)
    await plan(store)
    rows = await mail(store, event)
    assert [(r["kind"], r["detail"]) for r in rows] == [("confirmation", ""),
                                                         ("reminder", "1h")]
    assert [r["message_id"] for r in rows] == [message_id(r["key"], DOMAIN) for r in rows]
    last = (await log.read_after(store, 0, 100))[-1].id
    assert await log.cursor_position(store, CONSUMER) == last
