"""Held follow-ups and the organizer's buttons, on the page (form token) and in the API
(bearer token): an event whose attendance comes from an export gets the report at
end + report_delay and no follow-ups until the organizer presses "send follow-ups" (once;
refused before the end) or until end + 3 days; "send the report again" mails a new report
at each press. Another organizer gets 404 on the page and 403 in the API."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import EVENT_START, csrf_from, organizer_token, resources_of, run_scheduler
from tests.web.test_admin import sign_in
from tests.wrapup.helpers import CREATOR, END, ORGANIZERS, REPORT_AT, SLUG, forum, received
from webinar.organizers import accounts as organizers

PAGE = f"/admin/events/{SLUG}"
EN = {"Accept-Language": "en"}


async def page_token(client) -> str:
    page = await client.get(PAGE, headers=EN)
    assert page.status == 200
    return csrf_from(await page.text())


async def press(client, action: str, token: str | None = None):
    data = {"csrf_token": token or await page_token(client)}
    return await client.post(f"{PAGE}/{action}", data=data, allow_redirects=False)


async def signed_in_forum(client, clock, **overrides):
    """The forum (the clock at its start for the sign-in), org@ signed in."""
    res = resources_of(client)
    await organizers.create(res.store, res.now(), "org@example.org", "a long password")
    made = await forum(client, clock, **overrides)
    assert (await sign_in(client)).status == 303
    return made


async def test_held_follow_ups_go_when_the_organizer_presses(mail_client, smtp, clock):
    inbox, _port = smtp
    await signed_in_forum(mail_client, clock, attendance_from_export=True)
    clock.set(END - timedelta(minutes=1))
    resp = await press(mail_client, "followups")
    assert resp.status == 409  # before the end

    clock.set(REPORT_AT)
    await run_scheduler(mail_client)
    got = received(mail_client, inbox.messages)
    assert len(got["report"]) == 3 and not got["thank_you"] and not got["sorry_missed"]
    html = await (await mail_client.get(PAGE, headers=EN)).text()
    assert "held until" in html and 'action="/admin/events/foro-digital/followups"' in html

    assert (await press(mail_client, "followups", "forged")).status == 400
    resp = await press(mail_client, "followups")
    assert resp.status == 303 and resp.headers["Location"].endswith("?wrapup=followups")
    await run_scheduler(mail_client)
    got = received(mail_client, inbox.messages)
    assert len(got["thank_you"]) == 2 and len(got["sorry_missed"]) == 2
    html = await (await mail_client.get(PAGE, headers=EN)).text()
    assert "/followups" not in html and "sent at" in html  # the button is gone
    spanish = await (await mail_client.get(PAGE, headers={"Accept-Language": "es"})).text()
    assert "Seguimiento a los participantes" in spanish and "enviado el" in spanish

    assert (await press(mail_client, "followups")).status == 409  # once
    clock.advance(days=4)
    await run_scheduler(mail_client)
    got = received(mail_client, inbox.messages)
    assert len(got["thank_you"]) == 2 and len(got["sorry_missed"]) == 2


async def test_held_follow_ups_go_three_days_after_the_end(mail_client, smtp, clock):
    inbox, _port = smtp
    await forum(mail_client, clock, attendance_from_export=True)
    clock.set(END + timedelta(days=3) - timedelta(seconds=1))
    await run_scheduler(mail_client)
    got = received(mail_client, inbox.messages)
    assert len(got["report"]) == 3 and not got["thank_you"] and not got["sorry_missed"]
    clock.set(END + timedelta(days=3))
    await run_scheduler(mail_client)
    got = received(mail_client, inbox.messages)
    assert len(got["thank_you"]) == 2 and len(got["sorry_missed"]) == 2


async def test_send_the_report_again_mails_a_new_report_each_press(mail_client, smtp, clock):
    inbox, _port = smtp
    await signed_in_forum(mail_client, clock)
    clock.set(EVENT_START)
    assert (await press(mail_client, "report/send")).status == 409  # not ended
    clock.set(REPORT_AT)
    await run_scheduler(mail_client)
    assert len(received(mail_client, inbox.messages)["report"]) == 3
    for _ in range(2):
        resp = await press(mail_client, "report/send")
        assert resp.status == 303
        await run_scheduler(mail_client)
    reports = received(mail_client, inbox.messages)["report"]
    assert len(reports) == 9
    assert sorted({r for r, _m in reports}) == sorted([*ORGANIZERS, CREATOR])
    assert len({str(m["Message-ID"]) for _r, m in reports}) == 9


async def test_api_twins(mail_client, smtp, clock):
    inbox, _port = smtp
    made = await forum(mail_client, clock, attendance_from_export=True)
    auth = {"Authorization": f"Bearer {made.token}"}
    stranger = {"Authorization": "Bearer " + await organizer_token(mail_client,
                                                                    "otra@example.org")}
    clock.set(END - timedelta(seconds=1))
    resp = await mail_client.post(f"/api/v1/events/{SLUG}/followups", headers=auth)
    assert resp.status == 409 and (await resp.json())["error"] == "not_ended"
    clock.set(REPORT_AT)
    await run_scheduler(mail_client)
    for path in ("followups", "report/send"):
        resp = await mail_client.post(f"/api/v1/events/{SLUG}/{path}", headers=stranger)
        assert resp.status == 403
        resp = await mail_client.post(f"/api/v1/events/{SLUG}/{path}")
        assert resp.status == 401
    resp = await mail_client.post(f"/api/v1/events/{SLUG}/followups", headers=auth)
    assert resp.status == 200
    answer = await resp.json()
    assert answer["planned"] == 4 and answer["wrapup"]["followups_released_by"] == "organizer"
    resp = await mail_client.post(f"/api/v1/events/{SLUG}/followups", headers=auth)
    assert resp.status == 409 and (await resp.json())["error"] == "already_sent"
    resp = await mail_client.post(f"/api/v1/events/{SLUG}/report/send", headers=auth)
    assert resp.status == 202 and (await resp.json())["sending"] == 1
    await run_scheduler(mail_client)
    got = received(mail_client, inbox.messages)
    assert len(got["report"]) == 6 and len(got["thank_you"]) + len(got["sorry_missed"]) == 4
    spec = await (await mail_client.get("/api/v1/openapi.json")).json()
    assert "post" in spec["paths"]["/api/v1/events/{slug}/followups"]
    assert "post" in spec["paths"]["/api/v1/events/{slug}/report/send"]


async def test_another_organizer_gets_404_on_the_page(mail_client, smtp, clock):
    await forum(mail_client, clock)
    res = resources_of(mail_client)
    await organizers.create(res.store, res.now(), "org@example.org", "a long password")
    # org@ is among the organizer emails: it may manage the event; a stranger may not.
    await organizers.create(res.store, res.now(), "otra@example.org", "a long password")
    page = await mail_client.get("/admin/login")
    await mail_client.post("/admin/login", allow_redirects=False, data={
        "email": "otra@example.org", "password": "a long password", "next": "/admin/",
        "csrf_token": csrf_from(await page.text())})
    home = await mail_client.get("/admin/")
    token = csrf_from(await home.text())
    for action in ("followups", "report/send"):
        resp = await mail_client.post(f"{PAGE}/{action}", data={"csrf_token": token},
                                      allow_redirects=False)
        assert resp.status == 404
