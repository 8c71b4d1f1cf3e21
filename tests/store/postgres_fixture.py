"""A throwaway PostgreSQL cluster for the tests, and a fresh database per test.

The cluster starts once per session from Debian's binaries (/usr/lib/postgresql/*/bin),
as the `postgres` user when the tests run as root (initdb refuses root), in a temp dir
owned by it, on a free port on 127.0.0.1, with its unix socket in that dir, fsync off.
One template database is migrated once; each test gets its own `CREATE DATABASE ...
TEMPLATE` (made ahead, while the previous test runs) and drops it afterwards (in the
background).

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
import threading
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
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


class _Admin:
    """One connection to the cluster's `postgres` database on a loop of its own thread:
    creates and drops the tests' databases. It keeps the next test's database made ahead
    (while the current test runs) and drops finished ones without waiting."""

    def __init__(self, url: str):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.pending: list[Future] = []
        self.conn: asyncpg.Connection = self._call(asyncpg.connect(url)).result()
        self.lock = asyncio.Lock()

    def _call(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    async def _execute(self, sql: str) -> None:
        async with self.lock:
            await self.conn.execute(sql)

    def execute(self, sql: str) -> Future[None]:
        future = self._call(self._execute(sql))
        self.pending = [f for f in self.pending if not f.done()] + [future]
        return future

    def close(self) -> None:
        for future in self.pending:
            try:
                future.result(timeout=60)
            except Exception:  # noqa: BLE001, S110 - a failed drop matters no more
                pass
        self._call(self.conn.close()).result(timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=30)
        self.loop.close()


@dataclass
class Cluster:
    base_url: str  # postgresql://user@host:port/  (append a database name)
    _admin: _Admin | None = None
    _ahead: tuple[str, Future[None]] | None = None

    def url(self, database: str) -> str:
        return self.base_url + database

    async def admin(self, sql: str) -> None:
        conn = await asyncpg.connect(self.url("postgres"))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    def _make(self) -> tuple[str, Future[None]]:
        if self._admin is None:
            self._admin = _Admin(self.url("postgres"))
        name = f"t{os.getpid()}_{next(_names)}"
        return name, self._admin.execute(f'CREATE DATABASE "{name}" TEMPLATE {TEMPLATE}')

    def new_database(self) -> str:
        """A fresh migrated database (made ahead while the previous test ran)."""
        name, made = self._ahead or self._make()
        made.result(timeout=120)
        self._ahead = self._make()
        return name

    def drop_database(self, name: str) -> None:
        """Dropped in the background; nothing connects to it again."""
        assert self._admin is not None
        self._admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        if self._admin is not None:
            if self._ahead is not None:
                self.drop_database(self._ahead[0])
            self._admin.close()


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
        try:
            yield cluster
        finally:
            cluster.close()
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
        cluster.close()
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
