"""The report of a stored event, end to end: `GET /api/v1/events/{slug}/report` (every
number on the known data set of tests/reports/stored.py, the permissions), the organizer
page `/admin/events/{slug}/report` with its charts and its CSV and XLSX downloads read
back, and the link to it from the event page."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from openpyxl import load_workbook

from tests.conftest import create_event, csrf_from, organizer_token, resources_of
from tests.reports.stored import (
    SLUG,
    WINDOW_MINUTES,
    WINDOW_START,
    auth,
    stored_event,
)
from webinar.attendance import service as attendance
from webinar.events import service as events
from webinar.organizers import accounts as organizers
from webinar.reports.service import build_report


async def report_json(client, token: str) -> dict:
    resp = await client.get(f"/api/v1/events/{SLUG}/report", headers=auth(token))
    assert resp.status == 200, await resp.text()
    assert resp.content_type == "application/json"
    return await resp.json()


def sector(report: dict, code: str) -> dict:
    return next(row for row in report["by_sector"] if row["sector"] == code)


async def test_the_api_report_numbers(client, clock):
    data = await stored_event(client, clock)
    report = await report_json(client, data["token"])
    # Confirmed only: Ana, Bruno, Carla, Elena, Diego, Iván; Frank cancelled, Gina waits.
    assert report["registered"] == 6
    # Ana 57, Bruno 56, Carla 29, Elena 39 minutes; Diego by his join click (0 minutes).
    assert report["attended"] == 5
    assert report["attendance_rate"] == 0.833
    assert report["avg_minutes"] == 36.2  # (57 + 56 + 29 + 39 + 0) / 5
    assert report["median_minutes"] == 39.0
    assert (report["waitlisted"], report["cancelled"]) == (1, 1)
    # The host's account and Diego's phone (no email): matched to nobody, apart.
    assert report["walk_ins"] == 2
    assert [row["sector"] for row in report["by_sector"]] == [
        "academic", "cooperation", "public", "private"]
    assert sector(report, "academic") | {"label": None} == {
        "sector": "academic", "label": None, "registered": 2, "attended": 2,
        "attendance_rate": 1.0, "avg_minutes": 28.5, "median_minutes": 28.5}
    assert sector(report, "cooperation") | {"label": None} == {
        "sector": "cooperation", "label": None, "registered": 0, "attended": 0,
        "attendance_rate": 0.0, "avg_minutes": 0.0, "median_minutes": 0.0}
    assert sector(report, "cooperation")["label"] == {
        "es": "Cooperación internacional", "en": "International cooperation"}
    public = sector(report, "public")
    assert (public["registered"], public["attended"], public["attendance_rate"],
            public["avg_minutes"]) == (3, 2, 0.667, 42.5)
    private = sector(report, "private")  # Frank, cancelled, is not in it
    assert (private["registered"], private["attended"], private["avg_minutes"]) == (1, 1, 39.0)
    assert sum(r["registered"] for r in report["by_sector"]) == report["registered"]
    assert sum(r["attended"] for r in report["by_sector"]) == report["attended"]
    assert report["countries"] == [
        {"country": "GT", "registered": 4, "attended": 4},
        {"country": "HN", "registered": 1, "attended": 0},
        {"country": "SV", "registered": 1, "attended": 1}]
    assert report["organizations"][:2] == [
        {"organization": "Ministerio de Salud", "registered": 2, "attended": 2},
        {"organization": "UVG", "registered": 2, "attended": 2}]


async def test_the_api_timeline_counts_the_room_minute_by_minute(client, clock):
    data = await stored_event(client, clock)
    timeline = (await report_json(client, data["token"]))["timeline"]
    assert len(timeline) == WINDOW_MINUTES  # 09:45 (doors) to 11:00 in Guatemala
    assert [p["minute"] for p in timeline[:2]] == ["2026-11-24T15:45:00Z",
                                                   "2026-11-24T15:46:00Z"]
    assert timeline[-1]["minute"] == "2026-11-24T16:59:00Z"
    assert timeline[0]["minute"] == WINDOW_START.strftime("%Y-%m-%dT%H:%M:%SZ")
    present = {p["minute"][11:16]: p["present"] for p in timeline}
    assert present["15:57"] == 0
    assert present["15:58"] == 1  # the host (a walk-in) counts in the room
    # 10:30: host, Ana, Bruno, Carla, Diego's phone, Elena, and Gina (waitlisted, checked in)
    assert present["16:30"] == 7
    assert present["16:48"] == 4  # Ana stepped out 10:47:51-10:49:30; Carla and Gina left
    assert present["16:59"] == 4
    report = await report_json(client, data["token"])
    assert report["peak"] == {"minute": "2026-11-24T16:30:00Z", "present": 7}


async def test_a_live_report_counts_open_intervals_up_to_now(client, clock):
    """During the event an open interval lasts until now, and later minutes count nobody;
    the API reports as of the app's clock."""
    token = await organizer_token(client)
    await create_event(client, token, slug="en-vivo", doors_open_minutes=0)
    res = resources_of(client)
    event = await events.get(res.store, "en-vivo")
    await attendance.record_presence(res.store, clock.now(), event, key="zoom:live:1",
                                     source="zoom", started_at=event.starts_at,
                                     email="late@example.org", name="Late")
    clock.set(event.starts_at + timedelta(minutes=10, seconds=5))
    resp = await client.get("/api/v1/events/en-vivo/report", headers=auth(token))
    live = await resp.json()
    assert live["walk_ins"] == 1
    assert [p["present"] for p in live["timeline"][:11]] == [1] * 11
    assert all(p["present"] == 0 for p in live["timeline"][11:])
    assert len(live["timeline"]) == 120
    later = await build_report(res.store, event, event.starts_at + timedelta(minutes=30))
    assert sum(p.present for p in later.timeline) == 30


async def test_an_empty_event_reports_zeros_and_a_full_timeline(client, clock):
    token = await organizer_token(client)
    await create_event(client, token, slug="vacio", doors_open_minutes=0)
    resp = await client.get("/api/v1/events/vacio/report", headers=auth(token))
    assert resp.status == 200
    report = await resp.json()
    assert (report["registered"], report["attended"], report["attendance_rate"],
            report["walk_ins"]) == (0, 0, 0.0, 0)
    assert len(report["by_sector"]) == 4 and all(
        r["registered"] == 0 for r in report["by_sector"])
    assert len(report["timeline"]) == 120 and report["peak"] == {"minute": None, "present": 0}


async def test_the_api_report_needs_an_organizer_of_the_event(client, clock):
    await stored_event(client, clock)
    resp = await client.get(f"/api/v1/events/{SLUG}/report")
    assert resp.status == 401 and resp.headers["WWW-Authenticate"] == "Bearer"
    other = await organizer_token(client, "other@example.org")
    resp = await client.get(f"/api/v1/events/{SLUG}/report", headers=auth(other))
    assert resp.status == 403 and (await resp.json())["error"] == "forbidden"
    resp = await client.get("/api/v1/events/no-such-event/report", headers=auth(other))
    assert resp.status == 404


# --- the organizer page --------------------------------------------------------------

async def sign_in(client, email: str = "org@example.org") -> None:
    page = await client.get("/admin/login")
    resp = await client.post("/admin/login", allow_redirects=False, data={
        "email": email, "password": "a long password", "next": "/admin/",
        "csrf_token": csrf_from(await page.text())})
    assert resp.status == 303, await resp.text()


async def test_the_admin_page_shows_the_report_with_charts_in_the_page_language(client, clock):
    await stored_event(client, clock)
    await sign_in(client)
    event_page = await client.get(f"/admin/events/{SLUG}")
    assert f'href="/admin/events/{SLUG}/report"' in await event_page.text()
    resp = await client.get(f"/admin/events/{SLUG}/report")
    assert resp.status == 200 and resp.content_type == "text/html"
    assert resp.headers["Cache-Control"] == "no-store"
    page = await resp.text()
    assert page.count("<svg") == 2  # the sector bars and the timeline
    assert "Asistencia por sector" in page and "Cooperación internacional" in page
    assert "83,3" in page  # the rate, in Spanish style
    assert f'href="/admin/events/{SLUG}/report?format=csv"' in page
    assert f'href="/admin/events/{SLUG}/report?format=xlsx"' in page
    assert "@page{size:A4" in page and "@media print{nav.links{display:none}" in page
    english = await (await client.get(f"/admin/events/{SLUG}/report?lang=en")).text()
    assert "Attendance by sector" in english and "International cooperation" in english
    assert "83.3%" in english and "Download CSV" in english


async def test_the_csv_download_reads_back(client, clock):
    await stored_event(client, clock)
    await sign_in(client)
    resp = await client.get(f"/admin/events/{SLUG}/report?format=csv&lang=en")
    assert resp.status == 200
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert resp.headers["Content-Disposition"] == f'attachment; filename="{SLUG}-report.csv"'
    body = await resp.read()
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel then reads the accents
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Code", "Sector", "Registered", "Attended"]
    by_label = {row[1]: row for row in rows[1:6]}
    assert by_label["International cooperation"][:4] == ["cooperation",
                                                          "International cooperation", "0", "0"]
    assert by_label["Public sector"][2:5] == ["3", "2", "0.667"]
    assert by_label["Total"][2:5] == ["6", "5", "0.833"]
    assert rows[6] == []  # then the other tables, each after a blank line
    spanish = (await (await client.get(
        f"/admin/events/{SLUG}/report?format=csv&lang=es")).read()).decode("utf-8-sig")
    assert "Cooperación internacional" in spanish


async def test_the_xlsx_download_opens(client, clock):
    await stored_event(client, clock)
    await sign_in(client)
    resp = await client.get(f"/admin/events/{SLUG}/report?format=xlsx&lang=en")
    assert resp.status == 200
    assert resp.content_type == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "attachment" in resp.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(await resp.read()))
    assert len(book.sheetnames) == 6
    sheet = book[book.sheetnames[1]]  # by sector
    rows = {row[1]: row for row in sheet.iter_rows(values_only=True)}
    assert rows["Public sector"][2:5] == (3, 2, 0.667)
    assert rows["International cooperation"][2:4] == (0, 0)
    assert rows["Total"][2:5] == (6, 5, 0.833)
    timeline = book[book.sheetnames[4]]
    assert timeline.max_row == WINDOW_MINUTES + 1  # the header and one row a minute


async def test_the_admin_report_is_a_404_for_another_organizer(client, clock):
    await stored_event(client, clock)
    res = resources_of(client)
    await organizers.create(res.store, res.now(), "other@example.org", "a long password")
    await sign_in(client, "other@example.org")
    for query in ("", "?format=csv", "?format=xlsx"):
        resp = await client.get(f"/admin/events/{SLUG}/report{query}")
        assert resp.status == 404, query
    resp = await client.get("/admin/events/no-such-event/report")
    assert resp.status == 404


async def test_the_admin_report_needs_a_sign_in_and_a_known_format(client, clock):
    await stored_event(client, clock)
    resp = await client.get(f"/admin/events/{SLUG}/report", allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"].startswith("/admin/login")
    await sign_in(client)
    resp = await client.get(f"/admin/events/{SLUG}/report?format=pdf")
    assert resp.status == 404

