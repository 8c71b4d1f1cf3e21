"""Each wrap-up mail exactly once, with the real SMTP server: two scheduler instances on the
same database file (two Resources, each with its own store and connections: SQLite's
locks between them, no shared asyncio lock) running their passes at the same moment; and a
scheduler stopped in the middle of the wrap-up (its claimed mails never sent), restarted
before and after its lease runs out."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from scheduler.runner import Runner
from tests.conftest import resources_of, run_scheduler
from tests.wrapup.helpers import REPORT_AT, forum, received, wrapup_rows
from webinar.clock import to_db
from webinar.links import mail_domain
from webinar.runtime import open_resources
from webinar.wrapup import service as wrapup


def once_each(client, messages) -> Counter:
    got = received(client, messages)
    counts = Counter(r for kind in got.values() for r, _m in kind)
    return counts


async def test_two_schedulers_on_one_database_send_each_mail_once(mail_client, smtp,
                                                                 smtp_settings, clock):
    inbox, _port = smtp
    await forum(mail_client, clock)
    clock.set(REPORT_AT)
    async with open_resources(smtp_settings, clock) as first, \
            open_resources(smtp_settings, clock) as second:
        assert first.store is not second.store
        for _ in range(3):
            await asyncio.gather(Runner(first).run_once(), Runner(second).run_once())
    rows = wrapup_rows(mail_client)
    assert len(rows) == 7 and {r["status"] for r in rows} == {"sent"}
    counts = once_each(mail_client, inbox.messages)
    assert len(counts) == 7 and set(counts.values()) == {1}


async def test_two_schedulers_race_for_the_same_step(mail_client, smtp_settings, clock):
    """Both processes find the step due; only one transaction takes it."""
    await forum(mail_client, clock)
    res = resources_of(mail_client)
    await wrapup.plan_from_log(res.store, clock.now())
    clock.set(REPORT_AT)
    async with open_resources(smtp_settings, clock) as other:
        domain = mail_domain(smtp_settings)
        outcomes = await asyncio.gather(*(
            wrapup.run_due(store, clock.now(), domain)
            for store in (res.store, other.store, res.store, other.store)))
    assert sum(outcomes) == 2  # the report step and the follow-ups step, once each
    assert len(wrapup_rows(mail_client)) == 7


async def test_scheduler_stopped_mid_wrapup_and_restarted(mail_client, smtp, smtp_settings,
                                                         clock):
    """The first scheduler ran the wrap-up's steps and claimed its mails, then died before
    sending any. A restart within the lease sends none of them (they may be in flight);
    after the lease every one goes, once; later passes add nothing."""
    inbox, _port = smtp
    await forum(mail_client, clock)
    clock.set(REPORT_AT)
    async with open_resources(smtp_settings, clock) as dead:
        domain = mail_domain(smtp_settings)
        await wrapup.plan_from_log(dead.store, clock.now())
        assert await wrapup.run_due(dead.store, clock.now(), domain) == 2
        lease = timedelta(seconds=smtp_settings.delivery_lease)
        async with dead.store.transaction() as tx:
            claimed = await tx.deliveries.claim_due(to_db(clock.now()),
                                                    to_db(clock.now() + lease), 100, "dead")
    assert {r["kind"] for r in claimed} >= {"report", "thank_you", "sorry_missed"}
    before = len(inbox.messages)

    clock.advance(seconds=30)  # restarted while the lease still holds
    await run_scheduler(mail_client)
    assert len(inbox.messages) == before
    assert all(r["status"] == "sending" for r in wrapup_rows(mail_client))

    clock.advance(lease)  # the lease ran out: taken over, sent once
    await run_scheduler(mail_client)
    counts = once_each(mail_client, inbox.messages)
    assert len(counts) == 7 and set(counts.values()) == {1}
    clock.advance(days=4)
    await run_scheduler(mail_client)
    assert once_each(mail_client, inbox.messages) == counts


async def test_relay_refusals_are_retried_and_still_sent_once(mail_client, smtp, clock):
    inbox, _port = smtp
    await forum(mail_client, clock)
    clock.set(REPORT_AT)
    inbox.fail_next = ["451 4.3.0 try later"] * 3
    await run_scheduler(mail_client)
    assert len(once_each(mail_client, inbox.messages)) == 4
    clock.advance(minutes=5)
    await run_scheduler(mail_client)
    counts = once_each(mail_client, inbox.messages)
    assert len(counts) == 7 and set(counts.values()) == {1}
