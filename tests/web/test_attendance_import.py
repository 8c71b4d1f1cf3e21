"""POST /api/v1/events/{slug}/attendance/import: each sample export through the API, the
answer as the contract states it, re-imports that add nothing, walk-ins apart, matching by
email only, a wrong zone showing in `outside_window`, and refusals that store nothing."""

from __future__ import annotations

import aiohttp
import pytest

from tests.attendance.helpers import (
    SAMPLES,
    SLUG,
    import_sample,
    registrations,
    sample_event,
)
from tests.conftest import db_rows, organizer_token
from webinar.attendance.imports import model

ALL_SAMPLES = sorted(p.name for p in SAMPLES.glob("*.csv"))


def stored() -> str:
    return "SELECT COUNT(*) AS n FROM presence_intervals"


async def test_zoom_participants_matched_by_email_walk_ins_apart(client, clock):
    token, regs = await sample_event(client, clock)
    resp = await import_sample(client, token, "zoom-participants-en.csv")
    assert resp.status == 200, await resp.text()
    answer = await resp.json()
    assert answer == {
        "source": "zoom", "rows": 7,
        "matched": 5,  # Ana twice, Bruno, Carla, Elena
        "walk_ins": 2,  # the host (not registered) and "iPhone de Diego" (no email)
        "intervals_added": 7,
        "skipped": [{"line": 2, "reason": model.SKIP_SUMMARY},
                    {"line": 12, "reason": model.SKIP_WAITING_ROOM}],
        "outside_window": 0,
    }
    people = await registrations(client, token)
    # Ana: 16:01:05-16:47:51 and 16:49:30-17:00:38, cut at the end (17:00): 57m16s
    assert (people["ana@uvg.example"]["attended"], people["ana@uvg.example"]["minutes"]) \
        == (True, 57)
    assert people["carla.mendez@gmail.example"]["minutes"] == 29  # 16:05:33-16:35:02
    # Diego registered, but the export knows him only by a name: never matched by name
    assert (people["diego@uvg.example"]["attended"], people["diego@uvg.example"]["minutes"]) \
        == (False, 0)
    # walk-ins are stored without a registration and never become one
    walk_ins = db_rows(client, "SELECT email, name FROM presence_intervals"
                               " WHERE registration_id IS NULL ORDER BY name")
    assert walk_ins == [{"email": "coordinacion@uvg.example", "name": "Coordinación UVG"},
                        {"email": None, "name": "iPhone de Diego"}]
    assert len(db_rows(client, "SELECT id FROM registrations")) == len(regs)
    [entry] = db_rows(client, "SELECT payload FROM event_log WHERE type = 'attendance.imported'")
    assert '"intervals_added": 7' in entry["payload"] and '"walk_ins": 2' in entry["payload"]


async def test_importing_the_same_file_again_adds_nothing(client, clock):
    token, _regs = await sample_event(client, clock)
    first = await (await import_sample(client, token, "zoom-participants-en.csv")).json()
    before = await registrations(client, token)
    again = await (await import_sample(client, token, "zoom-participants-en.csv")).json()
    assert again["intervals_added"] == 0
    assert {k: v for k, v in again.items() if k != "intervals_added"} \
        == {k: v for k, v in first.items() if k != "intervals_added"}
    assert db_rows(client, stored())[0]["n"] == 7
    assert await registrations(client, token) == before
    # each import is logged, with what it added
    payloads = [r["payload"] for r in db_rows(
        client, "SELECT payload FROM event_log WHERE type = 'attendance.imported' ORDER BY id")]
    assert len(payloads) == 2 and '"intervals_added": 0' in payloads[1]


async def test_two_platforms_overlapping_count_once(client, clock):
    token, _regs = await sample_event(client, clock)
    await import_sample(client, token, "zoom-participants-en.csv")
    meet = await (await import_sample(client, token, "meet-attendance-en.csv")).json()
    assert meet["source"] == "meet" and meet["intervals_added"] == 6
    ana = (await registrations(client, token))["ana@uvg.example"]
    # Zoom 16:01:05-16:47:51 + 16:49:30-17:00:38 and Meet 16:01-17:00: the union is
    # 16:01:00-17:00:00 = 59 minutes, not the sum
    assert ana["minutes"] == 59 and ana["attended"]
    # Diego, in Meet with his email (an instant of 45 seconds: presence, 0 minutes)
    diego = (await registrations(client, token))["diego@uvg.example"]
    assert (diego["attended"], diego["minutes"]) == (True, 0)


@pytest.mark.parametrize("name", ALL_SAMPLES)
async def test_every_sample_imports_and_a_second_import_adds_nothing(client, clock, name):
    token, _regs = await sample_event(client, clock)
    first = await import_sample(client, token, name)
    assert first.status == 200, await first.text()
    answer = await first.json()
    assert answer["rows"] == answer["intervals_added"] > 0
    assert answer["matched"] + answer["walk_ins"] <= answer["rows"]
    again = await (await import_sample(client, token, name)).json()
    assert again["intervals_added"] == 0 and again["rows"] == answer["rows"]
    assert db_rows(client, stored())[0]["n"] == answer["rows"]


async def test_spanish_zoom_matches_addresses_in_any_case(client, clock):
    token, _regs = await sample_event(client, clock)
    answer = await (await import_sample(client, token, "zoom-participants-es.csv")).json()
    # " Elena.Perez@uvg.example " matches elena.perez@uvg.example
    assert (answer["matched"], answer["walk_ins"]) == (1, 2)
    assert (await registrations(client, token))["elena.perez@uvg.example"]["minutes"] == 39


async def test_teams_utf16_and_its_rows_without_email_are_walk_ins(client, clock):
    token, _regs = await sample_event(client, clock)
    answer = await (await import_sample(client, token, "teams-attendance-new-en.csv")).json()
    assert (answer["source"], answer["rows"], answer["matched"], answer["walk_ins"]) \
        == ("teams", 7, 5, 2)  # the organizer's address and Diego without one
    people = await registrations(client, token)
    assert people["bruno.castillo@uvg.example"]["minutes"] == 56  # 16:03:44-17:00:00
    assert not people["diego@uvg.example"]["attended"]


async def test_a_wrong_zone_shows_in_outside_window(client, clock):
    token, _regs = await sample_event(client, clock)
    # The export was written in Guatemala's zone; read as Madrid's, every row is 7 hours
    # early, outside the window.
    answer = await (await import_sample(client, token, "zoom-participants-en.csv",
                                        "?timezone=Europe/Madrid")).json()
    assert answer["outside_window"] == 7 and answer["intervals_added"] == 7
    people = await registrations(client, token)
    assert not any(p["attended"] for p in people.values())
    # an export of another meeting (2021) also lies outside
    legacy = await (await import_sample(client, token, "zoom-participants-legacy.csv")).json()
    assert legacy["outside_window"] == legacy["rows"] == 3


async def test_multipart_field_file(client, clock):
    token, _regs = await sample_event(client, clock)
    form = aiohttp.FormData()
    form.add_field("note", "ignored")
    form.add_field("file", (SAMPLES / "meet-attendance-en.csv").read_bytes(),
                   filename="asistencia.csv", content_type="text/csv")
    resp = await client.post(f"/api/v1/events/{SLUG}/attendance/import?source=meet",
                             data=form, headers={"Authorization": f"Bearer {token}"})
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["intervals_added"] == 6
    empty = aiohttp.FormData()
    empty.add_field("other", b"x", filename="other.csv")  # multipart, without `file`
    resp = await client.post(f"/api/v1/events/{SLUG}/attendance/import", data=empty,
                             headers={"Authorization": f"Bearer {token}"})
    assert resp.status == 400 and "file" in (await resp.json())["errors"]


@pytest.mark.parametrize(("body", "reason"), [
    (b"hello, world\n1,2\n", model.REFUSE_UNKNOWN),
    (b"PK\x03\x04" + bytes(200), model.REFUSE_SPREADSHEET),
    (b"   \n", model.REFUSE_EMPTY),
])
async def test_what_is_not_an_export_is_refused_in_the_readers_language(client, clock, body,
                                                                       reason):
    token, _regs = await sample_event(client, clock)
    url = f"/api/v1/events/{SLUG}/attendance/import"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/csv"}
    resp = await client.post(url, data=body, headers={**headers, "Accept-Language": "en"})
    assert resp.status == 422
    assert await resp.json() == {"error": "not_an_export", "message": reason}
    resp = await client.post(url, data=body, headers={**headers, "Accept-Language": "es"})
    spanish = (await resp.json())["message"]
    assert resp.status == 422 and spanish != reason and spanish.startswith(("No es", "Es ",
                                                                            "El "))
    assert db_rows(client, stored())[0]["n"] == 0
    assert not db_rows(client, "SELECT id FROM event_log WHERE type LIKE 'attendance.%'")


async def test_options_are_checked(client, clock):
    token, _regs = await sample_event(client, clock)
    resp = await import_sample(client, token, "zoom-participants-en.csv", "?source=webex")
    assert resp.status == 422 and "source" in (await resp.json())["errors"]
    resp = await import_sample(client, token, "zoom-participants-en.csv", "?timezone=Mars/Base")
    body = await resp.json()
    assert resp.status == 422 and body["errors"]["timezone"] == "Unknown time zone Mars/Base."
    resp = await import_sample(client, token, "zoom-participants-en.csv", "?source=teams",
                               lang="es")
    body = await resp.json()
    assert resp.status == 422
    assert body["message"] == "Este archivo es una exportación de zoom, no de teams."
    assert db_rows(client, stored())[0]["n"] == 0


async def test_skip_reasons_in_spanish(client, clock):
    token, _regs = await sample_event(client, clock)
    answer = await (await import_sample(client, token, "zoom-participants-en.csv",
                                        lang="es")).json()
    assert answer["skipped"] == [{"line": 2, "reason": "Línea de resumen de la reunión"},
                                 {"line": 12, "reason": "En la sala de espera, no en la reunión"}]


async def test_who_may_import_and_what(client, clock):
    token, _regs = await sample_event(client, clock)
    url = f"/api/v1/events/{SLUG}/attendance/import"
    data = (SAMPLES / "zoom-participants-en.csv").read_bytes()
    assert (await client.post(url, data=data)).status == 401
    other = await organizer_token(client, "otra@example.org")
    resp = await client.post(url, data=data, headers={"Authorization": f"Bearer {other}",
                                                      "Content-Type": "text/csv"})
    assert resp.status == 403
    resp = await client.post(url, data=data, headers={"Authorization": f"Bearer {token}",
                                                      "Content-Type": "application/json"})
    assert resp.status == 415 and (await resp.json())["error"] == "unsupported_media_type"
    resp = await client.post(url, data=b"x" * (8 * 1024 * 1024 + 1),
                             headers={"Authorization": f"Bearer {token}",
                                      "Content-Type": "text/csv"})
    assert resp.status == 413
    assert db_rows(client, stored())[0]["n"] == 0


@pytest.mark.parametrize("body", [
    b'--b\r\nContent-Disposition: form-data; name="\x04`6"\r\n\r\nx\r\n--b--\r\n',
    b"--b\r\nno headers and no end",
    b"not multipart at all",
])
async def test_a_malformed_multipart_body_is_a_400(client, clock, body):
    token, _regs = await sample_event(client, clock)
    resp = await client.post(f"/api/v1/events/{SLUG}/attendance/import", data=body,
                             headers={"Authorization": f"Bearer {token}",
                                      "Content-Type": "multipart/form-data; boundary=b"})
    assert resp.status == 400 and (await resp.json())["error"] == "missing_file"
