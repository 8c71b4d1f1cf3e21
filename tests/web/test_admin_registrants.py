"""The organizers' registrants table (/admin/events/{slug}/registrants) through the real
app and SQLite: search, filters, sort and pages from the query string; exports read back
with csv and openpyxl, formulas neutralised; check-in, cancel, promote and resend, each
through its form; another organizer's event is a 404."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from html import unescape

import openpyxl

from tests.conftest import (
    EVENT_START,
    create_event,
    csrf_from,
    db_rows,
    organizer_token,
    person,
    register_api,
    resources_of,
    run_scheduler,
)
from tests.web.test_admin import sign_in
from webinar.organizers import accounts as organizers
from webinar.registrations.exports import neutralise

SLUG = "foro-digital"
URL = f"/admin/events/{SLUG}/registrants"
NAME_CELL = re.compile(r'<tr>\s*<td class="wrap">([^<]*)<br>')


async def setup_event(client, **overrides) -> None:
    await create_event(client, await organizer_token(client), **overrides)
    assert (await sign_in(client)).status == 303


async def register(client, n: int, **fields) -> dict:
    resp = await register_api(client, SLUG, person(n, **fields))
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def names(client, query: str = "", lang: str = "en") -> tuple[list[str], str]:
    resp = await client.get(f"{URL}{query}", headers={"Accept-Language": lang})
    assert resp.status == 200, await resp.text()
    html = await resp.text()
    return [unescape(n) for n in NAME_CELL.findall(html)], html


async def people(client) -> None:
    await register(client, 1, name="Ana López", organization="USAC", sector="academic",
                   country="GT")
    await register(client, 2, name="bruno Díaz", email="BRUNO@Example.org",
                   organization="PNUD", sector="cooperation", country="SV")
    await register(client, 3, name="Carla Ruiz", organization="Ministerio de Salud",
                   sector="public", country="GT")
    await register(client, 4, name="Diego 100%_off", organization="Tienda", sector="private",
                   country="HN")


async def test_search_filters_and_sort_from_the_query_string(client):
    await setup_event(client)
    await people(client)
    everyone, html = await names(client)
    assert everyone == ["Ana López", "bruno Díaz", "Carla Ruiz", "Diego 100%_off"]
    assert "4 registrations match." in html
    # Case-insensitive substring of name, email or organization.
    assert (await names(client, "?q=BRUNO"))[0] == ["bruno Díaz"]
    assert (await names(client, "?q=example.ORG&sector=public"))[0] == ["Carla Ruiz"]
    assert (await names(client, "?q=ministerio"))[0] == ["Carla Ruiz"]
    # LIKE wildcards in the search are literal characters.
    assert (await names(client, "?q=%25_"))[0] == ["Diego 100%_off"]
    assert (await names(client, "?q=a%25"))[0] == []
    assert (await names(client, "?country=gt"))[0] == ["Ana López", "Carla Ruiz"]
    # Name order ignores case; desc reverses it.
    assert (await names(client, "?sort=name&order=desc"))[0] == [
        "Diego 100%_off", "Carla Ruiz", "bruno Díaz", "Ana López"]
    assert (await names(client, "?sort=country"))[0] == [
        "Ana López", "Carla Ruiz", "Diego 100%_off", "bruno Díaz"]
    assert (await names(client, "?sort=sector&order=desc"))[0][0] == "Carla Ruiz"
    # Nothing matches: the page says so.
    found, html = await names(client, "?q=nadie")
    assert found == [] and "No registration matches these filters." in html
    # A value not understood is left out, the rest applies.
    found, html = await names(client, "?sort=evil&country=GT")
    assert found == ["Ana López", "Carla Ruiz"] and "not understood" in html


async def test_statuses_translated_dates_in_the_event_zone_and_empty_event(client):
    await setup_event(client, capacity=1)
    found, html = await names(client, lang="es")
    assert found == [] and "Nadie se ha inscrito todavía." in html
    await people(client)
    _found, html = await names(client, "?status=waitlisted", lang="es")
    assert "en lista de espera" in html
    # Registered on 2026-12-01 12:00 UTC: 06:00 in Guatemala.
    assert "6:00" in html and "UTC−06:00" in html
    _found, html = await names(client, "?status=waitlisted")
    assert html.count("Give a seat") == 3


async def test_pages_of_fifty_in_any_order_never_overlap(client):
    await setup_event(client)
    for n in range(1, 56):
        await register(client, n, name=f"Persona {n:03d}")
    first, html = await names(client, "?sort=name&order=desc")
    assert len(first) == 50 and "Page 1 of 2" in html
    second, html = await names(client, "?sort=name&order=desc&page=2")
    assert len(second) == 5 and "Page 2 of 2" in html
    assert first + second == [f"Persona {n:03d}" for n in range(55, 0, -1)]
    # Past the last page: the last page.
    assert (await names(client, "?sort=name&order=desc&page=99"))[0] == second


async def test_exports_read_back_with_formulas_neutralised(client):
    await setup_event(client)
    await register(client, 1, name="=HYPERLINK(\"http://evil.example\",\"x\")",
                   organization="+1+1")
    await register(client, 2, name="@SUM(A1)", organization="-2")
    await register(client, 3, name="Ana", organization="USAC", sector="public")
    resp = await client.get(f"{URL}/export?format=csv&sort=name",
                            headers={"Accept-Language": "en"})
    assert resp.status == 200 and "attachment" in resp.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO((await resp.read()).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Name", "Email", "Organization"]
    assert [r[0] for r in rows[1:]] == [
        "'=HYPERLINK(\"http://evil.example\",\"x\")", "'@SUM(A1)", "Ana"]
    assert [r[2] for r in rows[1:]] == ["'+1+1", "'-2", "USAC"]
    assert rows[1][7] == "confirmed" and rows[1][9] == "no"
    resp = await client.get(f"{URL}/export?format=xlsx&sort=name&sector=academic")
    assert resp.status == 200
    sheet = openpyxl.load_workbook(io.BytesIO(await resp.read())).active
    cells = list(sheet.iter_rows(min_row=2))
    assert [c[0].value for c in cells] == ["'=HYPERLINK(\"http://evil.example\",\"x\")",
                                           "'@SUM(A1)"]
    assert all(c.data_type == "s" for row in cells for c in row[:9])
    assert (await client.get(f"{URL}/export?format=pdf")).status == 404


def test_neutralise_covers_tab_and_carriage_return():
    assert neutralise("\t=1") == "'\t=1" and neutralise("\r1") == "'\r1"
    assert neutralise("  =1") == "'  =1" and neutralise("a=1") == "a=1"
    assert neutralise(12) == 12


async def action(client, reg_id: int, name: str, query: str = "", form_key: str | None = None,
                 lang: str = "en"):
    page = await client.get(f"{URL}?{query}", headers={"Accept-Language": lang})
    html = await page.text()
    key = form_key or re.search(r'name="form_key" value="([^"]+)"', html).group(1)
    resp = await client.post(f"{URL}/{reg_id}/{name}", data={
        "csrf_token": csrf_from(html), "back": query, "form_key": key},
        headers={"Accept-Language": lang})
    return resp, unescape(await resp.text())


async def test_check_in_counts_as_attended_in_report_and_api(client, clock):
    await setup_event(client)
    ana = await register(client, 1, name="Ana")
    await register(client, 2, name="Bea")
    resp, html = await action(client, ana["id"], "checkin")
    assert resp.status == 200 and "Check-in opens when the doors open." in html
    clock.set(EVENT_START + timedelta(minutes=5))
    assert (await sign_in(client)).status == 303  # three days later: a new session
    resp, html = await action(client, ana["id"], "checkin")
    assert "Ana is checked in." in html
    resp, html = await action(client, ana["id"], "checkin")
    assert "already checked in" in html
    assert db_rows(client, "SELECT source, started_at = ended_at AS instant FROM"
                           " presence_intervals") == [{"source": "checkin", "instant": 1}]
    # The API's registrations list: attended, no minutes.
    res = resources_of(client)
    api_token = await organizers.create_token(res.store, res.now(), "org@example.org")
    headers = {"Authorization": f"Bearer {api_token}"}
    listed = (await (await client.get(f"/api/v1/events/{SLUG}/registrations",
                                      headers=headers)).json())["registrations"]
    assert [(r["name"], r["attended"], r["minutes"]) for r in listed] == [
        ("Ana", True, 0), ("Bea", False, 0)]
    report = await (await client.get(f"/api/v1/events/{SLUG}/report", headers=headers)).json()
    assert report["registered"] == 2 and report["attended"] == 1
    # The table's attended filter and the check-in after the end (a sign-in sheet).
    assert (await names(client, "?attended=yes"))[0] == ["Ana"]
    assert (await names(client, "?attended=no"))[0] == ["Bea"]
    clock.set(EVENT_START + timedelta(days=1))
    assert (await sign_in(client)).status == 303
    bea = listed[1]
    _resp, html = await action(client, bea["id"], "checkin")
    assert "Bea is checked in." in html
    assert (await names(client, "?attended=yes&sort=name"))[0] == ["Ana", "Bea"]


async def test_cancel_promotes_the_next_and_both_hear(mail_client, smtp):
    client = mail_client
    inbox, _port = smtp
    await setup_event(client, capacity=1)
    ana = await register(client, 1, name="Ana")
    bea = await register(client, 2, name="Bea", language="en")
    await run_scheduler(client)
    before = len(inbox.messages)
    resp, html = await action(client, ana["id"], "cancel")
    assert "The registration of Ana is cancelled" in html
    assert "Bea got the seat from the waitlist" in html
    assert {r["name"]: r["status"] for r in db_rows(
        client, "SELECT name, status FROM registrations")} == {
        "Ana": "cancelled", "Bea": "confirmed"}
    await run_scheduler(client)
    await inbox.wait_for(before + 2)
    assert any("A seat is yours" in s for s in inbox.subjects(bea["email"]))
    assert len(inbox.messages) == before + 2


async def test_promote_by_hand_is_an_override_past_capacity(client):
    await setup_event(client, capacity=1)
    await register(client, 1, name="Ana")
    bea = await register(client, 2, name="Bea")
    _resp, html = await action(client, bea["id"], "promote")
    assert "Bea has a seat now" in html
    assert "2 confirmed registrations for 1 seats" in html
    _resp, html = await action(client, bea["id"], "promote")
    assert "Bea is not on the waitlist; nothing changed." in html
    # Capacity unchanged: a newcomer is still waitlisted.
    carla = await register(client, 3, name="Carla")
    assert carla["status"] == "waitlisted"


async def test_resend_sends_once_on_a_double_submit(mail_client, smtp):
    client = mail_client
    inbox, _port = smtp
    await setup_event(client)
    ana = await register(client, 1, name="Ana", language="en")
    await run_scheduler(client)
    await inbox.wait_for(1)
    before = len(inbox.messages)
    key = "k" * 24
    for _ in range(2):
        resp, html = await action(client, ana["id"], "resend", form_key=key)
        assert resp.status == 200
    assert "Nothing was sent" in html
    await run_scheduler(client)
    await inbox.wait_for(before + 1)
    mails = [m for m in inbox.to(ana["email"]) if str(m["Subject"]).startswith("Your links")]
    assert len(mails) == 1
    body = mails[0].get_body(("plain",)).get_content()
    assert "sent you your personal links again" in body and "/j/" in body
    # A new page (a new form key) sends again.
    await action(client, ana["id"], "resend")
    await run_scheduler(client)
    await inbox.wait_for(before + 2)
    assert len([m for m in inbox.to(ana["email"])
                if str(m["Subject"]).startswith("Your links")]) == 2


async def test_actions_need_the_form_token(client):
    await setup_event(client)
    ana = await register(client, 1, name="Ana")
    resp = await client.post(f"{URL}/{ana['id']}/cancel", data={"back": ""},
                             headers={"Accept-Language": "en"})
    assert resp.status == 400 and "expired" in await resp.text()
    assert db_rows(client, "SELECT status FROM registrations") == [{"status": "confirmed"}]


async def test_another_organizers_event_is_a_404(client):
    await setup_event(client)
    ana = await register(client, 1, name="Ana")
    res = resources_of(client)
    await organizers.create(res.store, res.now(), "intruder@example.org", "a long password")
    client.session.cookie_jar.clear()
    page = await client.get("/admin/login")
    resp = await client.post("/admin/login", allow_redirects=False, data={
        "email": "intruder@example.org", "password": "a long password", "next": "/admin/",
        "csrf_token": csrf_from(await page.text())})
    assert resp.status == 303
    assert (await client.get(URL)).status == 404
    assert (await client.get(f"{URL}/export?format=csv")).status == 404
    assert (await client.get(f"{URL}/message")).status == 404
    html = await (await client.get("/admin/")).text()
    resp = await client.post(f"{URL}/{ana['id']}/cancel", data={"csrf_token": csrf_from(html)})
    assert resp.status == 404
    resp = await client.post(f"{URL}/message", data={
        "csrf_token": csrf_from(html), "subject": "x", "body": "y", "form_key": "k" * 20})
    assert resp.status == 404
    assert db_rows(client, "SELECT status FROM registrations") == [{"status": "confirmed"}]
    assert db_rows(client, "SELECT COUNT(*) AS n FROM broadcasts") == [{"n": 0}]
    # Nobody signed in: to the sign-in page.
    client.session.cookie_jar.clear()
    resp = await client.get(URL, allow_redirects=False)
    assert resp.status == 303 and "/admin/login" in resp.headers["Location"]


async def test_a_page_of_scattered_ids_reads_their_attendance_by_id(client, clock):
    """A page in name order holds ids from all over the event: attendance_of reads those
    ids, not the whole id range between them, and still finds everyone's presence."""
    await setup_event(client)
    first = await register(client, 1, name="Zoe")
    for n in range(2, 10):
        await register(client, n, name=f"Persona {n}")
    last = await register(client, 10, name="Zack")
    clock.set(EVENT_START + timedelta(minutes=1))
    assert (await sign_in(client)).status == 303
    await action(client, first["id"], "checkin")
    await action(client, last["id"], "checkin")
    found, html = await names(client, "?q=z&sort=name")
    assert found == ["Zack", "Zoe"]
    assert html.count("<td>yes</td>") == 2
