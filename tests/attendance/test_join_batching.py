"""The join link under a burst: concurrent clicks share reads and write transactions
(`webinar.store.batching`), yet each 303 leaves only after its visit is committed, each
click reads the registration and event as committed at that moment (a change made through
another connection, as another process would, is seen at once), and one bad visit in a
batch fails alone. Runs on both stores.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.conftest import (
    EVENT_START,
    create_event,
    db_rows,
    organizer_token,
    person,
    register_api,
    resources_of,
)
from webinar.clock import to_db
from webinar.outbox import log as outbox
from webinar.runtime import open_store
from webinar.store.interface import JoinVisit

CLICKS = 24


async def _registrations(client, count: int) -> list[dict]:
    token = await organizer_token(client)
    await create_event(client, token, reminders=[])
    return [await (await register_api(client, "foro-digital", person(n))).json()
            for n in range(count)]


def _join_token(reg: dict) -> str:
    return reg["join_link"].rsplit("/", 1)[1]


def _visits_of(client, join_token: str) -> int:
    return len(db_rows(client, "SELECT v.id FROM join_visits v JOIN registrations r"
                               " ON r.id = v.registration_id WHERE r.join_token = ?",
                       (join_token,)))


async def test_a_burst_of_clicks_shares_transactions_and_each_303_is_committed_first(
        client, clock):
    regs = await _registrations(client, CLICKS)
    clock.set(EVENT_START - timedelta(minutes=5))
    store = resources_of(client).store
    batches = store._visits.batches  # type: ignore[attr-defined]
    seen_at_answer: dict[str, int] = {}

    async def click(join_token: str) -> int:
        resp = await client.get(f"/j/{join_token}", allow_redirects=False)
        # Answered: another connection must see the visit now.
        seen_at_answer[join_token] = _visits_of(client, join_token)
        return resp.status

    tokens = [_join_token(r) for r in regs]
    assert await asyncio.gather(*(click(t) for t in tokens)) == [303] * CLICKS
    assert seen_at_answer == dict.fromkeys(tokens, 1)
    assert store._visits.batches - batches < CLICKS  # type: ignore[attr-defined]
    logged = db_rows(client, "SELECT registration_id FROM event_log WHERE type = ?",
                     (outbox.ATTENDANCE_JOINED,))
    assert len(logged) == CLICKS
    assert len({r["registration_id"] for r in logged}) == CLICKS


async def test_each_click_reads_what_another_connection_committed(client, clock, settings):
    [reg] = await _registrations(client, 1)
    clock.set(EVENT_START - timedelta(minutes=5))
    path = f"/j/{_join_token(reg)}"
    assert (await client.get(path, allow_redirects=False)).status == 303
    async with open_store(settings) as other:  # as another web process would
        event = await other.events.by_slug("foro-digital")
        assert event is not None
        later = {"starts_at": to_db(EVENT_START + timedelta(days=1)),
                 "ends_at": to_db(EVENT_START + timedelta(days=1, hours=2))}
        async with other.transaction() as tx:
            await tx.events.update(event["id"], later, "2026-12-01T12:00:00+00:00")
        resp = await client.get(path, allow_redirects=False)
        assert resp.status == 200  # not yet: the waiting page, with the new time
        async with other.transaction() as tx:
            await tx.events.update(event["id"], {
                "starts_at": to_db(EVENT_START),
                "ends_at": to_db(EVENT_START + timedelta(hours=2))},
                "2026-12-01T12:00:00+00:00")
        row = await other.registrations.by_token(reg["manage_link"].rsplit("/", 1)[1])
        assert row is not None
        async with other.transaction() as tx:
            await tx.registrations.set_cancelled(row["id"], "2026-12-01T12:00:00+00:00")
    resp = await client.get(path, allow_redirects=False)
    assert resp.status == 200  # cancelled: no way in, and no visit
    assert _visits_of(client, _join_token(reg)) == 2


async def test_concurrent_join_reads_each_get_their_own_answer(client):
    regs = await _registrations(client, 3)
    store = resources_of(client).store
    manage = [r["manage_link"].rsplit("/", 1)[1] for r in regs]
    joins = [_join_token(r) for r in regs]
    asked = [joins[0], manage[1], "no-such-token", joins[2], joins[0], manage[0]]
    answers = await asyncio.gather(*(store.registrations.for_join(t) for t in asked))
    assert answers[2] is None
    got = [None if a is None else (a[0]["join_token"], a[2]) for a in answers]
    assert got == [(joins[0], False), (joins[1], True), None, (joins[2], False),
                   (joins[0], False), (joins[0], True)]
    assert all(a is None or a[1]["slug"] == "foro-digital" for a in answers)


async def test_a_bad_visit_in_a_batch_fails_alone(client):
    await _registrations(client, 4)
    store = resources_of(client).store
    rows = db_rows(client, "SELECT id, event_id FROM registrations ORDER BY id")
    at = "2026-12-04T11:50:00+00:00"

    def visit(event_id: int, registration_id: int) -> JoinVisit:
        return JoinVisit(event_id=event_id, registration_id=registration_id, at=at,
                         log_type=outbox.ATTENDANCE_JOINED, log_payload="{}")

    visits = [visit(r["event_id"], r["id"]) for r in rows]
    visits.insert(2, visit(rows[0]["event_id"], 999_999))  # no such registration
    results = await asyncio.gather(*(store.add_join_visit(v) for v in visits),
                                   return_exceptions=True)
    assert [r is None for r in results] == [True, True, False, True, True]
    assert isinstance(results[2], Exception)
    stored = db_rows(client, "SELECT registration_id FROM join_visits ORDER BY id")
    assert sorted(r["registration_id"] for r in stored) == [r["id"] for r in rows]


async def test_a_single_click_is_not_held_back(client, clock):
    """A click of a quiet moment is answered at once (no waiting for a batch to fill)."""
    [reg] = await _registrations(client, 1)
    clock.set(EVENT_START - timedelta(minutes=5))
    async with asyncio.timeout(5):
        resp = await client.get(f"/j/{_join_token(reg)}", allow_redirects=False)
    assert resp.status == 303
    assert _visits_of(client, _join_token(reg)) == 1


async def test_for_join_many_answers_each_token_in_order(client):
    """The batched read itself, on either store: join tokens, manage tokens (old links),
    unknown and repeated tokens, one answer each, in the order asked."""
    regs = await _registrations(client, 2)
    store = resources_of(client).store
    manage = [r["manage_link"].rsplit("/", 1)[1] for r in regs]
    joins = [_join_token(r) for r in regs]
    asked = [manage[1], joins[0], "nope", joins[0], joins[1]]
    answers = await store.registrations.for_join_many(asked)
    got = [None if a is None else (a[0]["join_token"], a[2]) for a in answers]
    assert got == [(joins[1], True), (joins[0], False), None, (joins[0], False),
                   (joins[1], False)]
    single = await store.registrations.for_join(joins[1])
    assert single is not None
    assert answers[4] is not None
    assert dict(answers[4][0]) == dict(single[0])
    assert dict(answers[4][1]) == dict(single[1])
