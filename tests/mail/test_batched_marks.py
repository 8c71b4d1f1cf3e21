"""Mails the relay accepted together are marked sent together (one UPDATE per batch,
`deliveries.mark_sent_many`), and that keeps the claim rules: only rows the claim still
holds in 'sending' are marked, a row another pass took over after the lease is left to
it, and a pass still sends and records each mail exactly once. Both stores."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import create_event, db_rows, person, register_api, resources_of
from webinar.clock import to_db
from webinar.links import mail_domain
from webinar.mail import delivery as engine
from webinar.mail.planner import plan_from_log

LEASE = timedelta(seconds=60)


async def confirmations(client, count: int) -> None:
    event = await create_event(client)
    for n in range(count):
        await register_api(client, event["slug"], person(n + 1))
    res = resources_of(client)
    await plan_from_log(res.store, res.now(), mail_domain(res.settings))


async def test_only_rows_the_claim_still_holds_are_marked(mail_client, smtp, clock):
    await confirmations(mail_client, 3)
    res = resources_of(mail_client)
    async with res.store.transaction() as tx:
        rows = await tx.deliveries.claim_due(to_db(res.now()), to_db(res.now() + LEASE), 3,
                                             "A")
    ids = sorted(r["id"] for r in rows)
    clock.advance(LEASE + timedelta(seconds=1))
    async with res.store.transaction() as tx:  # B takes the first one over
        [taken] = await tx.deliveries.claim_due(to_db(res.now()),
                                                to_db(res.now() + LEASE), 1, "B")
    async with res.store.transaction() as tx:
        marked = await tx.deliveries.mark_sent_many(ids, "A", to_db(res.now()))
        assert await tx.deliveries.mark_sent_many(ids, "A", to_db(res.now())) == set()
    assert marked == set(ids) - {taken["id"]}
    states = {r["id"]: (r["status"], r["claim"]) for r in
              db_rows(mail_client, "SELECT id, status, claim FROM deliveries")}
    assert states[taken["id"]] == ("sending", "B")
    assert all(states[i] == ("sent", "A") for i in marked)


async def test_a_pass_sends_and_records_each_mail_once(mail_client, smtp):
    inbox, _port = smtp
    await confirmations(mail_client, 12)
    stats = await engine.deliver_due(resources_of(mail_client))
    assert (stats.claimed, stats.sent, stats.lost) == (12, 12, 0)
    await inbox.wait_for(12)
    assert sorted(str(m["To"]) for m in inbox.messages) == sorted(
        f"Persona {n} <persona{n}@example.org>" for n in range(1, 13))
    rows = db_rows(mail_client, "SELECT status, sent_at FROM deliveries"
                   " WHERE kind = 'confirmation'")
    assert len(rows) == 12 and all(r["status"] == "sent" and r["sent_at"] for r in rows)
