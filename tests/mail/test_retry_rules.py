"""Temporary relay failures against a real SMTP server: each retry waits retry_delay after
the failure, and the eighth failed attempt is the last."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import create_event, db_rows, person, register_api, run_scheduler
from webinar.clock import to_db
from webinar.mail.delivery import retry_delay


def confirmation(client) -> dict:
    [row] = db_rows(client, "SELECT * FROM deliveries WHERE kind = 'confirmation'")
    return row


async def test_the_eighth_temporary_failure_is_final(mail_client, smtp, clock):
    inbox, _port = smtp
    inbox.fail_next = ["451 4.3.0 Try again later"] * 20
    event = await create_event(mail_client)
    await register_api(mail_client, event["slug"], person(1))
    for attempt in range(1, 8):
        stats = await run_scheduler(mail_client)
        assert (stats.claimed, stats.retried, stats.failed, stats.sent) == (1, 1, 0, 0)
        row = confirmation(mail_client)
        assert (row["status"], row["attempts"]) == ("pending", attempt)
        assert row["next_attempt_at"] == to_db(clock.now() + retry_delay(attempt))
        clock.advance(retry_delay(attempt) - timedelta(microseconds=1))
        await run_scheduler(mail_client)  # not yet
        assert confirmation(mail_client)["attempts"] == attempt
        clock.advance(microseconds=1)
    stats = await run_scheduler(mail_client)
    assert (stats.claimed, stats.retried, stats.failed) == (1, 0, 1)
    row = confirmation(mail_client)
    assert (row["status"], row["attempts"]) == ("failed", 8) and "451" in row["last_error"]
    clock.advance(hours=2)
    await run_scheduler(mail_client)
    assert confirmation(mail_client)["attempts"] == 8 and inbox.messages == []


async def test_a_pass_counts_every_retry_and_every_failure(mail_client, smtp):
    inbox, _port = smtp
    inbox.fail_next = ["451 4.3.0 Try again later"] * 2 + ["550 5.1.1 No such user"] * 2
    event = await create_event(mail_client)
    for n in range(4):
        await register_api(mail_client, event["slug"], person(n))
    stats = await run_scheduler(mail_client)
    assert (stats.claimed, stats.sent, stats.retried, stats.failed) == (4, 0, 2, 2)
