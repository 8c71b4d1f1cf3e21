"""A throwaway PostgreSQL cluster for the tests, and a fresh database per test.

The cluster starts once per session from Debian's binaries (/usr/lib/postgresql/*/bin),
as the `postgres` user when the tests run as root (initdb refuses root), in a temp dir
owned by it, on a free port on 127.0.0.1, with its unix socket in that dir, fsync off.
One template database is migrated once; each test gets `CREATE DATABASE ... TEMPLATE`
(a file copy: milliseconds) and drops it afterwards.

WEBINAR_TEST_POSTGRES=postgresql://user@host:port/ uses a server you run instead (the
user may create databases). With no binaries and no such server the PostgreSQL half of
the tests is skipped with a message, except under CI=true, where it fails.
"""

from __future__ import annotations

import asyncio
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest

from webinar.store.postgres.connection import numbered
from webinar.store.postgres.database import PostgresStore

T = TypeVar("T")
TEMPLATE = "webinar_template"
_names = itertools.count(1)


def run_async(make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to completion on its own loop in another thread: usable from sync
    fixtures and from sync helpers called inside a test's running loop."""
    async def main() -> T:
        return await make()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, main()).result()


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Current:
    """The PostgreSQL database of the running test (set by conftest's `store_kind`
    fixture), or None while it runs on SQLite."""

    url: str | None = None


current = Current()


@dataclass
class Cluster:
    base_url: str  # postgresql://user@host:port/  (append a database name)

    def url(self, database: str) -> str:
        return self.base_url + database

    async def admin(self, sql: str) -> None:
        conn = await asyncpg.connect(self.url("postgres"))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    def new_database(self) -> str:
        name = f"t{os.getpid()}_{next(_names)}"
        run_async(lambda: self.admin(f'CREATE DATABASE "{name}" TEMPLATE {TEMPLATE}'))
        return name

    def drop_database(self, name: str) -> None:
        run_async(lambda: self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"PostgreSQL tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL half skipped: {reason} (apt-get install postgresql, or set "
                "WEBINAR_TEST_POSTGRES=postgresql://user@host:port/)")


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    given = os.environ.get("WEBINAR_TEST_POSTGRES")
    if given:
        cluster = Cluster(given.rstrip("/") + "/")
        _make_template(cluster)
        yield cluster
        return
    bindir = _binaries()
    if bindir is None:
        _unavailable("no PostgreSQL binaries in /usr/lib/postgresql/*/bin")
        raise AssertionError("unreachable")
    root = Path(tempfile.mkdtemp(prefix="webinar-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", _free_port()
    try:
        subprocess.run(_as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                                     "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]),
                       check=True, capture_output=True, timeout=120)
        options = (f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
                   " -c synchronous_commit=off -c full_page_writes=off"
                   " -c max_connections=300 -c shared_buffers=64MB")
        subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-o", options,
                                     "-l", str(root / "server.log"), "-w", "-t", "60",
                                     "start"]),
                       check=True, capture_output=True, timeout=90)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        shutil.rmtree(root, ignore_errors=True)
        _unavailable(f"the cluster did not start: {exc} {detail.decode(errors='replace')}")
    cluster = Cluster(f"postgresql://postgres@127.0.0.1:{port}/")
    try:
        _make_template(cluster)
        yield cluster
    finally:
        subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m",
                                     "immediate", "stop"]), capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


def _make_template(cluster: Cluster) -> None:
    async def make() -> None:
        await cluster.admin(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
        await cluster.admin(f"CREATE DATABASE {TEMPLATE}")
        store = PostgresStore(cluster.url(TEMPLATE), min_size=1, max_size=1)
        await store.connect()
        try:
            await store.migrate()
        finally:
            await store.close()

    run_async(make)


def fetch_rows(url: str, query: str, params: tuple = ()) -> list[dict[str, Any]]:
    """Raw SQL (`?` placeholders) on a test's PostgreSQL database, from sync code."""
    async def fetch() -> list[dict[str, Any]]:
        conn = await asyncpg.connect(url)
        try:
            return [dict(r.items()) for r in await conn.fetch(numbered(query), *params)]
        finally:
            await conn.close()

    return run_async(fetch)
