"""`webinar attendance import SLUG FILE`, run as its own process against the database the
test server is using: it prints what was matched and the skipped lines, a second run adds
nothing, and a file that is not an export exits non-zero with the reason."""

from __future__ import annotations

import subprocess

from tests.attendance.helpers import SAMPLES, SLUG, registrations, sample_event
from tests.conftest import db_rows
from tests.serving import webinar_command, webinar_env


def _run(settings, *args: str, lang: str = "C") -> subprocess.CompletedProcess:
    env = webinar_env(db=settings.db or None,  # the test's PostgreSQL database, if any
                      data_dir=settings.data_dir, secret_key="test-secret")
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):  # LANG alone picks the language
        env.pop(name, None)
    env["LANG"] = lang
    return subprocess.run(webinar_command("attendance", "import", *args),
                          env=env, capture_output=True, text=True, timeout=60)


async def test_cli_import_prints_the_counts_and_skipped_lines(client, clock, settings):
    token, _regs = await sample_event(client, clock)
    sample = str(SAMPLES / "zoom-participants-en.csv")
    done = _run(settings, SLUG, sample, "--source", "zoom")
    assert done.returncode == 0, done.stderr
    lines = [" ".join(line.split()) for line in done.stdout.splitlines()]
    for expected in ("source zoom", "rows 7", "matched 5", "walk_ins 2", "intervals_added 7",
                     "outside_window 0", "skipped 2",
                     "line 12: In the waiting room, not in the meeting"):
        assert expected in lines, done.stdout
    assert (await registrations(client, token))["ana@uvg.example"]["minutes"] == 57
    again = _run(settings, SLUG, sample)
    assert again.returncode == 0 and "intervals_added 0" in " ".join(again.stdout.split())
    assert len(db_rows(client, "SELECT id FROM presence_intervals")) == 7


async def test_cli_wrong_zone_and_spanish_messages(client, clock, settings):
    await sample_event(client, clock)
    done = _run(settings, SLUG, str(SAMPLES / "zoom-participants-en.csv"),
                "--timezone", "Asia/Tokyo", lang="es_GT.UTF-8")
    assert done.returncode == 0, done.stderr
    assert "outside_window 7" in " ".join(done.stdout.split())
    assert "En la sala de espera, no en la reunión" in done.stdout


async def test_cli_refuses_what_is_not_an_export(client, clock, settings, tmp_path):
    await sample_event(client, clock)
    junk = tmp_path / "notes.txt"
    junk.write_text("just some notes\nnothing else\n")
    done = _run(settings, SLUG, str(junk))
    assert done.returncode != 0
    assert "Not a Zoom, Teams or Meet attendance export" in done.stderr
    done = _run(settings, SLUG, str(junk), lang="es_ES.UTF-8")
    assert done.returncode != 0 and "No es una exportación de asistencia" in done.stderr
    done = _run(settings, "no-such-event", str(SAMPLES / "meet-attendance-en.csv"))
    assert done.returncode != 0 and "no event" in done.stderr
    done = _run(settings, SLUG, str(tmp_path / "missing.csv"))
    assert done.returncode != 0 and "missing.csv" in done.stderr
    assert not db_rows(client, "SELECT id FROM presence_intervals")
