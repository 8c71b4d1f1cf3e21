"""The mail engine against a real SMTP server (aiosmtpd) with an injected clock:
confirmations, reminders at each offset, who gets what, late and skipped reminders,
re-planning on a move, retries and failures, the .eml file backend, header safety."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy

from icalendar import Calendar

from scheduler.runner import embedded
from tests.conftest import (
    EVENT_START,
    NOW,
    create_event,
    csrf_from,
    db_rows,
    organizer_token,
    person,
    register_api,
    resources_of,
    run_scheduler,
)
from webinar.app import create_app
from webinar.mail.compose import compose


async def deliveries(client, kind: str | None = None) -> list:
    sql = "SELECT * FROM deliveries"
    params: tuple = ()
    if kind:
        sql += " WHERE kind = ?"
        params = (kind,)
    return db_rows(client, sql + " ORDER BY id", params)


def text_of(msg) -> str:
    return msg.get_body(preferencelist=("plain",)).get_content()


async def register_with_relay_answer(client, inbox, answer: str, token: str | None = None):
    """One registration whose confirmation the relay answers with `answer` (e.g. a 4xx)."""
    inbox.fail_next = [answer]
    event = await create_event(client, token)
    await register_api(client, event["slug"], person(1))
    await run_scheduler(client)
    return event


async def cancel(client, token: str) -> None:
    page = await client.get(f"/r/{token}/cancel")
    await client.post(f"/r/{token}/cancel", data={"csrf_token": csrf_from(await page.text())})


async def test_confirmation_carries_links_invite_and_local_time(mail_client, smtp):
    inbox, _port = smtp
    event = await create_event(mail_client)
    reg = await (await register_api(mail_client, event["slug"],
                                    person(1, language="en"))).json()
    await run_scheduler(mail_client)
    [msg] = inbox.messages
    assert str(msg["To"]) == "Persona 1 <persona1@example.org>"
    assert str(msg["Subject"]) == "You are registered: Foro: Gobierno digital"
    assert str(msg["Reply-To"]) == "org@example.org"
    assert str(msg["From"]) == "Foros <foros@example.org>"
    body = text_of(msg)
    assert reg["join_link"] in body and reg["manage_link"] in body
    assert "Friday, December 4, 2026, 06:00" in body and "UTC\u221206:00" in body
    html = msg.get_body(preferencelist=("html",)).get_content()
    assert reg["join_link"] in html
    [ics] = [part for part in msg.iter_attachments() if part.get_content_type() == "text/calendar"]
    vevent = Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    assert str(vevent["DTSTART"].params["TZID"]) == "America/Guatemala"
    [row] = await deliveries(mail_client, "confirmation")
    assert row["status"] == "sent" and row["message_id"] == str(msg["Message-ID"])


async def test_spanish_registrant_gets_spanish_mail(mail_client, smtp):
    inbox, _port = smtp
    event = await create_event(mail_client)
    await register_api(mail_client, event["slug"], person(1, language="es"))
    await register_api(mail_client, event["slug"], person(2, language="en"))
    await run_scheduler(mail_client)
    [es] = inbox.to("persona1@example.org")
    [en] = inbox.to("persona2@example.org")
    assert str(es["Subject"]) != str(en["Subject"])
    assert "viernes, 4 de diciembre de 2026" in text_of(es)
    assert es["Content-Language"] == "es"


async def test_running_the_scheduler_again_sends_nothing_twice(mail_client, smtp):
    inbox, _port = smtp
    event = await create_event(mail_client)
    for n in range(5):
        await register_api(mail_client, event["slug"], person(n))
    await run_scheduler(mail_client)
    await run_scheduler(mail_client)
    assert len(inbox.messages) == 5


async def test_reminders_at_each_offset_exactly_once(mail_client, smtp, clock):
    inbox, _port = smtp
    event = await create_event(mail_client, reminders=["1h", "1d", "10m"])
    await register_api(mail_client, event["slug"], person(1))
    await run_scheduler(mail_client)
    assert len(inbox.messages) == 1  # the confirmation
    for offset in (timedelta(days=1), timedelta(hours=1), timedelta(minutes=10)):
        clock.set(EVENT_START - offset - timedelta(seconds=1))
        await run_scheduler(mail_client)
        before = len(inbox.messages)
        clock.advance(seconds=1)
        await run_scheduler(mail_client)
        await run_scheduler(mail_client)
        assert len(inbox.messages) == before + 1, offset
        assert "Foro: Gobierno digital" in str(inbox.messages[-1]["Subject"])
        assert "/j/" in text_of(inbox.messages[-1])
    reminders = [r for r in await deliveries(mail_client) if r["kind"] == "reminder"]
    assert sorted(r["detail"] for r in reminders) == ["10m", "1d", "1h"]
    assert all(r["status"] == "sent" for r in reminders)


async def test_no_reminders_to_cancelled_or_waitlisted(mail_client, smtp, clock):
    inbox, _port = smtp
    event = await create_event(mail_client, capacity=2, reminders=["1h"])
    regs = [await (await register_api(mail_client, event["slug"], person(n))).json()
            for n in range(1, 5)]
    assert [r["status"] for r in regs] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    await run_scheduler(mail_client)
    await cancel(mail_client, regs[1]["manage_link"].rsplit("/", 1)[1])  # 2 cancels, 3 promoted
    await run_scheduler(mail_client)
    clock.set(EVENT_START - timedelta(hours=1))
    await run_scheduler(mail_client)
    kinds = {}
    for row in await deliveries(mail_client):
        if row["status"] == "sent":
            kinds.setdefault(row["recipient"], []).append(row["kind"])
    assert kinds == {
        "persona1@example.org": ["confirmation", "reminder"],
        "persona2@example.org": ["confirmation", "cancelled"],
        "persona3@example.org": ["waitlisted", "promoted", "reminder"],
        "persona4@example.org": ["waitlisted"],
    }
    promoted = inbox.to("persona3@example.org")[1]
    assert "/j/" in text_of(promoted)
    assert any(p.get_content_type() == "text/calendar" for p in promoted.iter_attachments())


async def test_late_registration_gets_no_past_reminders(mail_client, smtp, clock):
    inbox, _port = smtp
    event = await create_event(mail_client, reminders=["1d", "1h"])
    clock.set(EVENT_START - timedelta(minutes=30))
    await register_api(mail_client, event["slug"], person(1))
    await run_scheduler(mail_client)
    assert len(inbox.messages) == 1
    assert [r["kind"] for r in await deliveries(mail_client)] == ["confirmation"]


async def test_missed_reminder_is_sent_late_before_start_and_skipped_after(
        mail_client, smtp, clock):
    inbox, _port = smtp
    event = await create_event(mail_client, reminders=["1d", "1h"])
    await register_api(mail_client, event["slug"], person(1))
    await run_scheduler(mail_client)
    # the scheduler was down through the 1d mark; it comes back 2 hours before the start
    clock.set(EVENT_START - timedelta(hours=2))
    await run_scheduler(mail_client)
    assert len(inbox.messages) == 2
    # down again through the 1h mark; back after the start
    clock.set(EVENT_START + timedelta(minutes=5))
    await run_scheduler(mail_client)
    assert len(inbox.messages) == 2
    by_detail = {r["detail"]: r for r in await deliveries(mail_client) if r["kind"] == "reminder"}
    assert by_detail["1d"]["status"] == "sent"
    assert by_detail["1h"]["status"] == "skipped"
    assert by_detail["1h"]["last_error"] == "event already started"


async def test_moving_the_event_replans_and_sends_an_update(mail_client, smtp, clock):
    inbox, _port = smtp
    token = await organizer_token(mail_client)
    event = await create_event(mail_client, token, reminders=["1d"])
    await register_api(mail_client, event["slug"], person(1))
    await run_scheduler(mail_client)
    new_start = EVENT_START + timedelta(days=2)
    resp = await mail_client.patch(
        f"/api/v1/events/{event['slug']}",
        json={"starts_at": new_start.isoformat(),
              "ends_at": (new_start + timedelta(hours=2)).isoformat()},
        headers={"Authorization": f"Bearer {token}"})
    assert resp.status == 200
    await run_scheduler(mail_client)
    update = inbox.messages[-1]
    assert len(inbox.messages) == 2
    assert "domingo, 6 de diciembre de 2026" in text_of(update)  # in the registrant's language
    [ics] = [p for p in update.iter_attachments() if p.get_content_type() == "text/calendar"]
    vevent = Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    assert int(vevent["SEQUENCE"]) == 1
    # the old 1d mark passes quietly; the new one sends
    clock.set(EVENT_START - timedelta(days=1))
    await run_scheduler(mail_client)
    assert len(inbox.messages) == 2
    clock.set(new_start - timedelta(days=1))
    await run_scheduler(mail_client)
    assert len(inbox.messages) == 3
    statuses = sorted((r["sequence"], r["status"]) for r in await deliveries(mail_client)
                      if r["kind"] == "reminder")
    assert statuses == [(0, "skipped"), (1, "sent")]


async def test_temporary_failure_is_retried_with_backoff(mail_client, smtp, clock):
    inbox, _port = smtp
    await register_with_relay_answer(mail_client, inbox, "451 4.3.0 Try again later")
    assert inbox.messages == []
    [row] = await deliveries(mail_client, "confirmation")
    assert row["status"] == "pending" and row["attempts"] == 1 and "451" in row["last_error"]
    await run_scheduler(mail_client)  # too early: backoff
    assert inbox.messages == []
    clock.advance(seconds=31)
    await run_scheduler(mail_client)
    assert len(inbox.messages) == 1
    [row] = await deliveries(mail_client, "confirmation")
    assert row["status"] == "sent" and row["attempts"] == 2


async def test_permanent_failure_is_recorded_and_not_retried(mail_client, smtp, clock):
    inbox, _port = smtp
    await register_with_relay_answer(mail_client, inbox, "550 5.1.1 No such user")
    clock.advance(hours=2)
    await run_scheduler(mail_client)
    assert inbox.messages == []
    [row] = await deliveries(mail_client, "confirmation")
    assert row["status"] == "failed" and "550" in row["last_error"] and row["attempts"] == 1


async def test_unreachable_relay_is_a_temporary_failure(aiohttp_client, settings, clock):
    from tests.conftest import free_port

    unreachable = settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{free_port()}"})
    client = await aiohttp_client(create_app(unreachable, clock=clock))
    event = await create_event(client)
    await register_api(client, event["slug"], person(1))
    await run_scheduler(client)
    [row] = await deliveries(client, "confirmation")
    assert row["status"] == "pending" and row["attempts"] == 1 and row["last_error"]


async def test_file_backend_writes_parseable_eml(client, settings):
    event = await create_event(client)
    await register_api(client, event["slug"], person(1))
    await run_scheduler(client)
    [path] = list((settings.data_dir / "mail").glob("*.eml"))
    msg = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert str(msg["To"]) == "Persona 1 <persona1@example.org>"
    assert "/j/" in text_of(msg)


async def test_duplicate_registration_resends_links_at_most_hourly(mail_client, smtp, clock):
    inbox, _port = smtp
    event = await create_event(mail_client)
    reg = await (await register_api(mail_client, event["slug"], person(1))).json()
    for _ in range(3):
        await register_api(mail_client, event["slug"], person(1))
    await run_scheduler(mail_client)
    assert len(inbox.messages) == 2
    assert reg["manage_link"] in text_of(inbox.messages[1])
    clock.advance(minutes=61)
    await register_api(mail_client, event["slug"], person(1))
    await run_scheduler(mail_client)
    assert len(inbox.messages) == 3


async def test_cancelling_the_event_notifies_and_stops_reminders(mail_client, smtp, clock):
    inbox, _port = smtp
    token = await organizer_token(mail_client)
    event = await create_event(mail_client, token, reminders=["1h"], capacity=1)
    await register_api(mail_client, event["slug"], person(1))
    await register_api(mail_client, event["slug"], person(2))
    await run_scheduler(mail_client)
    await mail_client.patch(f"/api/v1/events/{event['slug']}", json={"status": "cancelled"},
                            headers={"Authorization": f"Bearer {token}"})
    await run_scheduler(mail_client)
    assert len(inbox.messages) == 4
    clock.set(EVENT_START - timedelta(minutes=30))
    await run_scheduler(mail_client)
    assert len(inbox.messages) == 4


async def test_two_schedulers_on_one_database_send_once(mail_client, smtp, smtp_settings):
    """Two schedulers, each with its own store on the same file (as the web process's
    embedded one and a stand-alone one have): no in-process lock is shared, so only the
    database's locking keeps them from planning or sending a mail twice. Small batches
    make them claim in turns."""
    import asyncio

    from scheduler.runner import Runner
    from webinar.runtime import open_resources

    inbox, _port = smtp
    event = await create_event(mail_client)
    for n in range(40):
        await register_api(mail_client, event["slug"], person(n))
    small = smtp_settings.model_copy(update={"delivery_batch": 3})
    clock = resources_of(mail_client).clock
    async with open_resources(small, clock) as one, open_resources(small, clock) as two:
        assert one.store is not two.store
        stats = await asyncio.gather(Runner(one).run_once(), Runner(two).run_once())
    assert sum(s.sent for s in stats) == 40 and sum(s.claimed for s in stats) == 40
    assert len(inbox.messages) == 40
    assert len({str(m["To"]) for m in inbox.messages}) == 40
    assert len(await deliveries(mail_client, "confirmation")) == 40


async def test_embedded_scheduler_sends_confirmation_within_seconds(
        aiohttp_client, smtp_settings, smtp, clock):
    inbox, _port = smtp
    slow_poll = smtp_settings.model_copy(update={"poll_seconds": 300})
    client = await aiohttp_client(create_app(slow_poll, clock=clock, background=embedded))
    event = await create_event(client)
    await register_api(client, event["slug"], person(1))
    await inbox.wait_for(1, seconds=5)  # the nudge, not the 300 s poll, sends it
    assert len(inbox.messages) == 1


def test_header_injection_is_impossible():
    msg = compose(sender="Foros <foros@example.org>", to_name="Eve\r\nBcc: victim@example.org",
                  to_addr="eve@example.org", subject="Hi\r\nBcc: victim@example.org",
                  text="hello", html=None, message_id="<x@example.org>", date=NOW)
    raw = msg.as_bytes()
    assert b"\nBcc:" not in raw
    assert msg["Bcc"] is None
    assert "victim" not in "".join(str(v) for k, v in msg.items() if k != "To" and
                                   k != "Subject")


async def test_deliveries_cli_and_admin_page(mail_client, smtp):
    event = await create_event(mail_client)
    await register_api(mail_client, event["slug"], person(1))
    await run_scheduler(mail_client)
    from webinar.organizers import accounts as organizers

    res = resources_of(mail_client)
    await organizers.create(res.store, res.now(), "org@example.org", "a long password")
    page = await mail_client.get("/admin/login")
    resp = await mail_client.post("/admin/login", data={
        "email": "org@example.org", "password": "a long password",
        "csrf_token": csrf_from(await page.text()), "next": "/admin/events/foro-digital"})
    assert resp.status == 200
    html = await resp.text()
    # labels in the organizer's language, times in the event's zone with the offset
    assert "confirmación" in html and "persona1@example.org" in html and ">enviado<" in html
    assert "(UTC−06:00)" in html


async def test_a_pass_that_lost_its_lease_does_not_send(mail_client, smtp, clock):
    """A slow pass (A) outlives its lease; another process (B) takes the mail over and
    sends it; when A finally gets to it, A must not send it a second time."""
    import asyncio

    from webinar.clock import to_db
    from webinar.links import mail_domain
    from webinar.mail import delivery as engine
    from webinar.mail.planner import plan_from_log

    inbox, _port = smtp
    event = await create_event(mail_client)
    await register_api(mail_client, event["slug"], person(1))
    res = resources_of(mail_client)
    await plan_from_log(res.store, res.now(), mail_domain(res.settings))
    lease = timedelta(seconds=60)
    async with res.store.transaction() as tx:
        [row] = await tx.deliveries.claim_due(to_db(res.now()), to_db(res.now() + lease), 1, "A")
    pass_a = engine._Pass(claim="A", lease=lease, claimed_at=res.now(),
                          slots=asyncio.Semaphore(1), stats=engine.RunStats())
    clock.advance(seconds=61)
    stats_b = await engine.deliver_due(res)  # B reclaims the expired lease
    assert stats_b.sent == 1 and len(inbox.messages) == 1
    reg = (await engine._registrations(res.store, [row["registration_id"]]))[row["registration_id"]]
    from webinar.events.service import get_by_id

    await engine._deliver_one(res, pass_a, row, reg, await get_by_id(res.store, row["event_id"]))
    assert len(inbox.messages) == 1


async def test_deliveries_api_shows_failures_to_the_organizer(mail_client, smtp):
    inbox, _port = smtp
    token = await organizer_token(mail_client)
    event = await register_with_relay_answer(mail_client, inbox, "550 5.1.1 No such user",
                                             token)
    headers = {"Authorization": f"Bearer {token}"}
    resp = await mail_client.get(f"/api/v1/events/{event['slug']}/deliveries?status=failed",
                                 headers=headers)
    body = await resp.json()
    assert body["summary"]["confirmation"] == {"failed": 1}
    [row] = body["deliveries"]
    assert row["kind"] == "confirmation" and "550" in row["last_error"]
    assert (await mail_client.get(f"/api/v1/events/{event['slug']}/deliveries")).status == 401
