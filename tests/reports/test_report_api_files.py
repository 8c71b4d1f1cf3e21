"""The report as files from the API, `GET /api/v1/events/{slug}/report?format=csv|xlsx`,
in the request's language as the organizer pages choose it (`?lang=`, the language
cookie, Accept-Language): sheet names, headers and the sectors as the organizer labelled
them in that language, read back with openpyxl and the csv module. Without `format` (or
with `format=json`) the answer is the contract's JSON, unchanged."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from tests.reports.stored import SLUG, auth, stored_event

URL = f"/api/v1/events/{SLUG}/report"
SECTORS = [
    {"code": "academic", "es": "Universidades", "en": "Universities"},
    {"code": "cooperation", "es": "Cooperación", "en": "Cooperation agencies"},
    {"code": "public", "es": "Gobierno", "en": "Government"},
    {"code": "private", "es": "Empresas", "en": "Companies"},
]


async def _labelled(client, clock) -> str:
    token = (await stored_event(client, clock))["token"]
    resp = await client.patch(f"/api/v1/events/{SLUG}", json={"sectors": SECTORS},
                              headers=auth(token))
    assert resp.status == 200, await resp.text()
    return token


async def test_api_xlsx_in_the_request_language(client, clock):
    token = await _labelled(client, clock)
    resp = await client.get(f"{URL}?format=xlsx",
                            headers={**auth(token), "Accept-Language": "en-US,en;q=0.9"})
    assert resp.status == 200, await resp.text()
    assert resp.content_type == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert resp.headers["Content-Disposition"] == (
        f'attachment; filename="{SLUG}-report.xlsx"')
    book = load_workbook(io.BytesIO(await resp.read()))
    assert book.sheetnames == ["Summary", "Attendance by sector", "Countries",
                               "Organizations", "Present minute by minute",
                               "New and returning participants"]
    sheet = book["Attendance by sector"]
    assert [c.value for c in sheet[1]][:4] == ["Code", "Sector", "Registered", "Attended"]
    labels = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert labels["academic"] == "Universities" and labels["public"] == "Government"
    assert labels["cooperation"] == "Cooperation agencies"

    resp = await client.get(f"{URL}?format=xlsx&lang=es", headers=auth(token))
    book = load_workbook(io.BytesIO(await resp.read()))
    assert book.sheetnames == ["Resumen", "Asistencia por sector", "Países",
                               "Organizaciones", "Presentes minuto a minuto",
                               "Asistentes nuevos y recurrentes"]
    sheet = book["Asistencia por sector"]
    assert [c.value for c in sheet[1]][:4] == ["Código", "Sector", "Inscritas", "Asistieron"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["academic"][1] == "Universidades" and rows["public"][1:5] == (
        "Gobierno", 3, 2, 0.667)
    summary = {row[0]: row[1] for row in book["Resumen"].iter_rows(min_row=2,
                                                                    values_only=True)}
    assert summary["Inscritas"] == 6 and summary["Asistieron"] == 5


async def test_api_csv_in_the_request_language(client, clock):
    token = await _labelled(client, clock)
    resp = await client.get(f"{URL}?format=csv&lang=en", headers=auth(token))
    assert resp.status == 200
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    body = await resp.read()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Code", "Sector", "Registered", "Attended"]
    assert rows[1][:2] == ["academic", "Universities"]
    client.session.cookie_jar.clear()  # ?lang= chose English for this client from now on
    resp = await client.get(f"{URL}?format=csv",
                            headers={**auth(token), "Accept-Language": "es-GT"})
    rows = list(csv.reader(io.StringIO((await resp.read()).decode("utf-8-sig"))))
    assert rows[0][:4] == ["Código", "Sector", "Inscritas", "Asistieron"]
    assert rows[1][:2] == ["academic", "Universidades"]


async def test_api_report_json_unchanged_and_unknown_format_refused(client, clock):
    token = await _labelled(client, clock)
    plain = await (await client.get(URL, headers=auth(token))).json()
    assert set(plain) >= {"registered", "attended", "attendance_rate", "by_sector",
                          "countries", "timeline"}
    assert plain["by_sector"][0]["label"] == {"es": "Universidades", "en": "Universities"}
    resp = await client.get(f"{URL}?format=json&lang=en", headers=auth(token))
    assert resp.status == 200 and await resp.json() == plain
    resp = await client.get(f"{URL}?format=pdf", headers=auth(token))
    assert resp.status == 422
    assert "format" in (await resp.json())["errors"]
    # Only the event's organizers get the files, as the JSON.
    resp = await client.get(f"{URL}?format=xlsx")
    assert resp.status == 401
