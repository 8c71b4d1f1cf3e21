"""The `webinar` command line, run as a real process."""

from __future__ import annotations

import hashlib
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.serving import webinar_command, webinar_env


@pytest.fixture
def env(tmp_path):
    # Not the developer's own WEBINAR_ settings (a WEBINAR_DB would point these commands
    # at their database): only the test's.
    return webinar_env(data_dir=tmp_path, secret_key="")


def webinar(env, *args, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(webinar_command(*args), env=env, input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_migrate_is_idempotent_and_generates_the_secret_once(env, tmp_path):
    first = webinar(env, "migrate")
    assert first.returncode == 0, first.stderr
    assert "0001_initial.sql" in first.stdout
    key = (tmp_path / "secret_key").read_text()
    again = webinar(env, "migrate")
    assert "up to date" in again.stdout
    assert (tmp_path / "secret_key").read_text() == key and len(key) >= 40
    tables = {r[0] for r in sqlite3.connect(tmp_path / "webinar.db").execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"events", "registrations", "event_log", "deliveries", "api_tokens"} <= tables


def test_organizer_and_token(env, tmp_path):
    made = webinar(env, "organizer", "create", "Org@Example.org", "--password-stdin",
                   stdin="correct horse battery\n")
    assert made.returncode == 0, made.stderr
    out = webinar(env, "token", "create", "org@example.org")
    assert out.returncode == 0, out.stderr
    token = out.stdout.strip().splitlines()[-1]
    assert len(token) > 40
    digest = hashlib.sha256(token.encode()).hexdigest()
    db = sqlite3.connect(tmp_path / "webinar.db")
    assert db.execute("SELECT COUNT(*) FROM api_tokens WHERE token_hash = ?",
                      (digest,)).fetchone()[0] == 1
    stored = db.execute("SELECT password_hash FROM organizers").fetchone()[0]
    assert stored.startswith("$argon2")
    missing = webinar(env, "token", "create", "nobody@example.org")
    assert missing.returncode != 0 and "no organizer" in missing.stderr


def test_short_password_is_refused(env):
    made = webinar(env, "organizer", "create", "org@example.org", "--password-stdin",
                   stdin="short\n")
    assert made.returncode != 0 and "8 characters" in made.stderr


def test_scheduler_process_starts_and_stops_cleanly(env):
    proc = subprocess.Popen([sys.executable, "-m", "scheduler"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = ""
        deadline = time.monotonic() + 30
        while "scheduler running" not in line and time.monotonic() < deadline:
            line = proc.stdout.readline()
        assert "scheduler running" in line
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    finally:
        proc.kill()


def test_demo_seeds_a_full_forum_and_an_open_workshop(tmp_path):
    import asyncio

    from webinar.demo import seed
    from webinar.settings import Settings

    settings = Settings(data_dir=tmp_path, secret_key="x")
    summary = asyncio.run(seed(settings))
    assert "140 confirmed" in summary and "waitlisted" in summary
    assert "already there" in asyncio.run(seed(settings))
    db = sqlite3.connect(tmp_path / "webinar.db")
    by_status = dict(db.execute(
        "SELECT r.status, COUNT(*) FROM registrations r JOIN events e ON e.id = r.event_id"
        " WHERE e.slug = 'foro-gobierno-digital' GROUP BY r.status").fetchall())
    assert by_status["confirmed"] == 140 and by_status["waitlisted"] >= 1
    assert by_status["cancelled"] >= 1
    sectors = {r[0] for r in db.execute("SELECT DISTINCT sector FROM registrations")}
    assert sectors == {"academic", "cooperation", "public", "private"}
    workshop = db.execute("SELECT COUNT(*) FROM registrations r JOIN events e ON"
                          " e.id = r.event_id WHERE e.slug = 'taller-datos-abiertos'").fetchone()
    assert workshop[0] == 12
