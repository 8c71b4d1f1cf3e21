"""`webinar report SLUG --format json|csv|xlsx|html [-o FILE] [--lang es|en]`, run as its
own process against the database the test server is using (the data set of
tests/reports/stored.py, an event that is over by the machine's clock too): each format
read back, standard output or a file, and a clear error for an unknown event."""

from __future__ import annotations

import csv
import io
import json
import subprocess

from openpyxl import load_workbook

from tests.reports.stored import SLUG, WINDOW_MINUTES, stored_event
from tests.serving import webinar_command, webinar_env


def _run(settings, *args: str) -> subprocess.CompletedProcess:
    env = webinar_env(db=settings.db or None,  # the test's PostgreSQL database, if any
                      data_dir=settings.data_dir, secret_key="test-secret")
    return subprocess.run(webinar_command("report", *args),
                          env=env, capture_output=True, timeout=60)


async def test_cli_report_in_every_format(client, clock, settings, tmp_path):
    await stored_event(client, clock)

    done = _run(settings, SLUG, "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["registered"], report["attended"], report["attendance_rate"],
            report["walk_ins"]) == (6, 5, 0.833, 2)
    assert len(report["timeline"]) == WINDOW_MINUTES
    assert [r["sector"] for r in report["by_sector"]] == [
        "academic", "cooperation", "public", "private"]

    done = _run(settings, SLUG, "--format", "csv")  # standard output: no BOM
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout.decode("utf-8"))))
    assert rows[0][1] == "Sector"  # Spanish by default: the header is the same word
    assert ["cooperation", "Cooperación internacional", "0", "0"] == rows[2][:4]

    out = tmp_path / "informe.csv"
    done = _run(settings, SLUG, "--format", "csv", "--lang", "en", "-o", str(out))
    assert done.returncode == 0 and done.stdout == b"", done.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8-sig"))))
    assert rows[2][:4] == ["cooperation", "International cooperation", "0", "0"]

    out = tmp_path / "informe.xlsx"
    done = _run(settings, SLUG, "--format", "xlsx", "-o", str(out))
    assert done.returncode == 0, done.stderr
    book = load_workbook(out)
    assert len(book.sheetnames) == 6
    by_sector = {row[0]: row for row in book[book.sheetnames[1]].iter_rows(values_only=True)}
    assert by_sector["public"][2:5] == (3, 2, 0.667)

    done = _run(settings, SLUG, "--format", "xlsx")  # not a terminal: the bytes go out
    assert done.returncode == 0, done.stderr
    assert load_workbook(io.BytesIO(done.stdout)).sheetnames == book.sheetnames

    done = _run(settings, SLUG, "--format", "html", "--lang", "en")
    assert done.returncode == 0, done.stderr
    page = done.stdout.decode("utf-8")
    assert page.count("<svg") == 2 and "Attendance by sector" in page
    assert "Download CSV" not in page  # the standalone file has no links to the server


async def test_cli_report_of_an_unknown_event_fails_clearly(client, clock, settings, tmp_path):
    await stored_event(client, clock)
    done = _run(settings, "no-such-event", "--format", "json")
    assert done.returncode != 0
    assert b"error: no event no-such-event" in done.stderr and done.stdout == b""
    done = _run(settings, SLUG, "--format", "pdf")
    assert done.returncode != 0 and b"invalid choice" in done.stderr
    done = _run(settings, SLUG, "--format", "csv", "-o", str(tmp_path / "no" / "dir.csv"))
    assert done.returncode != 0 and b"error:" in done.stderr
