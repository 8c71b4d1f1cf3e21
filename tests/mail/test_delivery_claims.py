"""Delivery bookkeeping honours the claim: once a lease ran out and another process took a
mail over, the first process's late outcome (sent, retry, failed, skipped) changes
nothing, and it learns that its claim was lost. Two stores on one SQLite file, the fake
clock moving past the lease. Also: a lease shorter than the SMTP timeout is refused."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from pydantic import ValidationError

from tests.conftest import create_event, db_rows, person, register_api, resources_of
from webinar.clock import to_db
from webinar.links import mail_domain
from webinar.mail import delivery as engine
from webinar.mail.planner import plan_from_log
from webinar.runtime import open_resources
from webinar.settings import Settings

LEASE = timedelta(seconds=60)


async def confirmation_claimed_by_a(client):
    """One planned confirmation, claimed by pass "A" of this process."""
    event = await create_event(client)
    await register_api(client, event["slug"], person(1))
    res = resources_of(client)
    await plan_from_log(res.store, res.now(), mail_domain(res.settings))
    async with res.store.transaction() as tx:
        [row] = await tx.deliveries.claim_due(to_db(res.now()), to_db(res.now() + LEASE), 1,
                                              "A")
    return row


def confirmation(client) -> dict:
    [row] = db_rows(client, "SELECT * FROM deliveries WHERE kind = 'confirmation'")
    return row


async def test_late_writes_of_a_lost_claim_change_nothing(mail_client, smtp, smtp_settings,
                                                         clock):
    inbox, _port = smtp
    row = await confirmation_claimed_by_a(mail_client)
    res = resources_of(mail_client)
    clock.advance(LEASE + timedelta(seconds=1))
    async with open_resources(smtp_settings, clock) as other:
        assert (await engine.deliver_due(other)).sent == 1  # B takes the row over, sends
        now, later = to_db(clock.now()), to_db(clock.now() + timedelta(minutes=5))
        async with res.store.transaction() as tx:
            assert await tx.deliveries.mark_retry(row["id"], "A", "451 later", later, now) \
                is False
            assert await tx.deliveries.mark_final(row["id"], "A", "failed", "550", now) is False
            assert await tx.deliveries.mark_sent(row["id"], "A", now) is False
        after = confirmation(mail_client)
        assert after["status"] == "sent" and after["last_error"] is None
        clock.advance(hours=2)
        await engine.deliver_due(res)
        await engine.deliver_due(other)
    assert len(inbox.messages) == 1


async def test_a_late_failure_does_not_send_the_mail_again(mail_client, smtp, smtp_settings,
                                                          clock):
    """A checked its claim, then its relay was slow: meanwhile the lease ran out and B sent
    the mail. A's relay finally answers 451: the row stays sent, A counts a lost claim."""
    inbox, _port = smtp
    row = await confirmation_claimed_by_a(mail_client)
    res = resources_of(mail_client)
    clock.advance(LEASE + timedelta(seconds=1))
    async with open_resources(smtp_settings, clock) as other:
        assert (await engine.deliver_due(other)).sent == 1
        inbox.fail_next = ["451 4.4.2 timeout"]
        stats_a = engine.RunStats()
        # claimed_at now: A's check before the send found the claim still its own
        pass_a = engine._Pass(claim="A", lease=LEASE, claimed_at=clock.now(),
                              slots=asyncio.Semaphore(1), stats=stats_a)
        regs = await engine._registrations(res.store, [row["registration_id"]])
        from webinar.events.service import get_by_id

        event = await get_by_id(res.store, row["event_id"])
        await engine._deliver_one(res, pass_a, row, regs[row["registration_id"]], event)
        assert stats_a.retried == 0 and stats_a.lost == 1
        assert confirmation(mail_client)["status"] == "sent"
        clock.advance(hours=2)
        await engine.deliver_due(res)
        await engine.deliver_due(other)
    assert len(inbox.messages) == 1


async def test_writes_with_the_claim_still_held_do_apply(mail_client, smtp):
    row = await confirmation_claimed_by_a(mail_client)
    res = resources_of(mail_client)
    now = to_db(res.now())
    async with res.store.transaction() as tx:
        assert await tx.deliveries.mark_sent(row["id"], "A", now) is True
    assert confirmation(mail_client)["status"] == "sent"


def test_a_lease_shorter_than_the_smtp_timeout_is_refused(tmp_path):
    with pytest.raises(ValidationError, match="WEBINAR_DELIVERY_LEASE"):
        Settings(data_dir=tmp_path, smtp_url="smtp://relay.example.org:587", delivery_lease=20)
    with pytest.raises(ValidationError, match="timeout"):
        Settings(data_dir=tmp_path, smtp_url="smtp://relay.example.org?timeout=90")
    assert Settings(data_dir=tmp_path, smtp_url="smtp://relay.example.org?timeout=10",
                    delivery_lease=20).delivery_lease == 20
    assert Settings(data_dir=tmp_path, smtp_url=None, delivery_lease=5).delivery_lease == 5
