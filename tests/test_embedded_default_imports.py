"""The embedded default (SQLite) does not load the PostgreSQL driver: asyncpg and the
PostgreSQL store cost each of the two processes (web and scheduler) about 6 MB of the
150 MB the service may hold after 100,000 registrations (issue 15)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROGRAM = """
import asyncio, json, sys
from webinar.app import create_app
from webinar.runtime import open_resources
from webinar.settings import Settings
import scheduler.process, scheduler.runner

async def main():
    settings = Settings(data_dir=sys.argv[1], secret_key="x", smtp_url=None, db=sys.argv[2])
    async with open_resources(settings) as resources:
        kind = type(resources.store).__name__
    create_app(settings)
    print(json.dumps({"store": kind, "asyncpg": "asyncpg" in sys.modules,
                      "postgres_store": "webinar.store.postgres.database" in sys.modules}))

asyncio.run(main())
"""


def loaded(tmp_path: Path, db: str) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", PROGRAM, str(tmp_path), db], cwd=ROOT,
                         capture_output=True, text=True, timeout=120, check=True)
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_sqlite_processes_do_not_import_the_postgres_driver(tmp_path):
    found = loaded(tmp_path, "")
    assert found == {"store": "SqliteStore", "asyncpg": False, "postgres_store": False}
