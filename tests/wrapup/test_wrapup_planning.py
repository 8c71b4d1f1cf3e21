"""The wrap-up consumer of the event log: planned at end + report_delay when it reads
event.created, re-planned when the end or the delay moves, held follow-ups for an event
whose attendance comes from an export, nothing for a cancelled event (also when the
cancellation comes after the planning, and when the consumer has not read it yet), and
nothing for an event that ended long before it was planned."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import EVENT_START, NOW
from tests.factories import change_event, new_event, open_store, sign_up
from webinar.clock import from_db
from webinar.wrapup import service as wrapup

END = EVENT_START + timedelta(hours=2)
DOMAIN = "example.org"


async def wrapup_row(store, event_id):
    return await store.wrapups.by_event(event_id)


async def test_planned_at_end_plus_delay_and_replanned_when_the_end_moves(tmp_path):
    async with open_store(tmp_path / "w.db") as store:
        event = await new_event(store, report_delay="30m")
        assert await wrapup_row(store, event.id) is None
        assert await wrapup.plan_from_log(store, NOW) == 1
        row = await wrapup_row(store, event.id)
        assert from_db(row["due_at"]) == END + timedelta(minutes=30)
        assert from_db(row["followups_due_at"]) == END + timedelta(minutes=30)
        assert row["skipped"] is None

        await change_event(store, NOW, event.slug,
                           ends_at=(END + timedelta(hours=1)).isoformat())
        await wrapup.plan_from_log(store, NOW)
        row = await wrapup_row(store, event.id)
        assert from_db(row["due_at"]) == END + timedelta(hours=1, minutes=30)

        await change_event(store, NOW, event.slug, report_delay="1h")
        await wrapup.plan_from_log(store, NOW)
        row = await wrapup_row(store, event.id)
        assert from_db(row["due_at"]) == END + timedelta(hours=2)
        assert await wrapup.run_due(store, END + timedelta(hours=1, minutes=59), DOMAIN) == 0
        assert await wrapup.run_due(store, END + timedelta(hours=2), DOMAIN) == 2


async def test_export_events_hold_the_follow_ups_three_days(tmp_path):
    async with open_store(tmp_path / "w.db") as store:
        event = await new_event(store, attendance_from_export=True)
        await sign_up(store, NOW, event, 1)
        await wrapup.plan_from_log(store, NOW)
        row = await wrapup_row(store, event.id)
        assert from_db(row["due_at"]) == END + timedelta(minutes=15)
        assert from_db(row["followups_due_at"]) == END + timedelta(days=3)
        # At the report time only the report step runs.
        assert await wrapup.run_due(store, END + timedelta(minutes=15), DOMAIN) == 1
        state = await wrapup.state(store, event)
        assert state.followups_held and state.followups_released_at is None
        assert await wrapup.run_due(store, END + timedelta(days=3) - timedelta(seconds=1),
                                    DOMAIN) == 0
        assert await wrapup.run_due(store, END + timedelta(days=3), DOMAIN) == 1
        state = await wrapup.state(store, event)
        assert state.followups_released_by == "schedule" and not state.followups_held

        # Switching the setting off before the end brings the follow-ups back to the report.
        other = await new_event(store, slug="otro", attendance_from_export=True)
        await change_event(store, NOW, other.slug, attendance_from_export=False)
        await wrapup.plan_from_log(store, NOW)
        row = await wrapup_row(store, other.id)
        assert row["followups_due_at"] == row["due_at"]


async def test_cancelled_event_gets_no_wrapup(tmp_path):
    async with open_store(tmp_path / "w.db") as store:
        event = await new_event(store)
        await sign_up(store, NOW, event, 1)
        await wrapup.plan_from_log(store, NOW)
        await change_event(store, NOW, event.slug, status="cancelled")
        await wrapup.plan_from_log(store, NOW)
        assert (await wrapup_row(store, event.id))["skipped"] == wrapup.SKIPPED_CANCELLED
        assert await wrapup.run_due(store, END + timedelta(days=5), DOMAIN) == 0

        # Cancelled after the consumer's last read: the step itself sees it and stops.
        late = await new_event(store, slug="tarde")
        await sign_up(store, NOW, late, 2)
        await wrapup.plan_from_log(store, NOW)
        await change_event(store, NOW, late.slug, status="cancelled")
        assert await wrapup.run_due(store, END + timedelta(days=5), DOMAIN) == 0
        assert (await wrapup_row(store, late.id))["skipped"] == wrapup.SKIPPED_CANCELLED
        rows = await store.deliveries.listing(late.id, None, 100)
        assert not [r for r in rows if r["kind"] in ("report", "thank_you", "sorry_missed")]


async def test_event_that_ended_before_planning_is_skipped(tmp_path):
    async with open_store(tmp_path / "w.db") as store:
        event = await new_event(store)
        # The consumer first reads the log (a deployment of this feature) a week later.
        await wrapup.plan_from_log(store, END + timedelta(days=7))
        assert (await wrapup_row(store, event.id))["skipped"] == wrapup.SKIPPED_TOO_LATE
        assert await wrapup.run_due(store, END + timedelta(days=7), DOMAIN) == 0
        # ...but a scheduler that was down a day still sends it late.
        fresh = await new_event(store, slug="fresco")
        await wrapup.plan_from_log(store, NOW)
        assert await wrapup.run_due(store, END + timedelta(days=1), DOMAIN) == 2
        assert (await wrapup_row(store, fresh.id))["ran_at"] is not None
