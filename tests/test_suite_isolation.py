"""The suite ignores the developer's own WEBINAR_ settings (tests/conftest.py): run with a
WEBINAR_DB and a WEBINAR_SMTP_URL pointing nowhere, a test that builds Settings itself
and one that starts `webinar` as a process still use their temp SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_developers_webinar_settings_do_not_reach_the_tests(tmp_path):
    env = {**os.environ, "WEBINAR_DB": "postgresql://u:p@127.0.0.1:1/nowhere",
           "WEBINAR_SMTP_URL": "smtp://127.0.0.1:1", "WEBINAR_TEST_STORES": "sqlite"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/test_cli.py::test_demo_seeds_a_full_forum_and_an_open_workshop",
         "tests/test_cli.py::test_migrate_is_idempotent_and_generates_the_secret_once"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "2 passed" in done.stdout
