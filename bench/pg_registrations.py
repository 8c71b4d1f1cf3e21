"""Benchmark: registrations per second through the public API
(`POST /api/v1/events/{slug}/registrations`) on SQLite with one web process and on
PostgreSQL with one and with two web processes (`webinar serve --workers 2`, one port),
beside a bare aiohttp handler in the same run.

    .venv/bin/python bench/pg_registrations.py [--requests 2000] [--concurrency 50]
        [--warmup 100] [--synchronous-commit on|off] [--pg-url postgresql://...]

How it is set up:

* PostgreSQL: a throwaway cluster from Debian's binaries (/usr/lib/postgresql/*/bin, as
  the `postgres` user when run as root), on a free loopback port, default settings
  (fsync on) and `synchronous_commit` as given: `on` (the default) waits for the WAL
  flush of every commit; `off` is what SQLite's WAL with synchronous=NORMAL gives (a
  crash of the app loses nothing, a power cut may lose the last commits). `--pg-url`
  uses a server you run instead (a database `bench_regs_<pid>` is made and dropped).
* Each app is a subprocess: `python -m webinar serve --no-scheduler` (and `--workers 2`
  for the third), WEBINAR_RATE_LIMIT=0, WEBINAR_DB_POOL_SIZE=10 per process. One event,
  published, no capacity limit, reminders 1d and 1h (so each sign-up also writes its
  log entry; planning is the scheduler's, not running here).
* The bare handler (`--bare-server PORT`): reads the JSON body and answers 201 with it.
* The client (this process, one aiohttp session, at most `--concurrency` in flight):
  each request a new person (distinct email); a warm-up of `--warmup` requests first.
  Afterwards it checks every answer was 201 and counts the rows in the database.

Prints requests/s and p50/p95/p99 latency for each, the load average before and after
(the machine is shared), and each app's throughput as a fraction of the bare handler's.
The figures and what they mean are in the README ("Running at scale").
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import os
import secrets
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def bare_server(port: int) -> None:
    from aiohttp import web

    async def register(request: web.Request) -> web.Response:
        return web.json_response(await request.json(), status=201)

    async def healthz(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/api/v1/events/{slug}/registrations", register)
    app.router.add_get("/healthz", healthz)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


class Cluster:
    """A throwaway PostgreSQL cluster (or the server of --pg-url)."""

    def __init__(self, synchronous_commit: str, url: str | None):
        self.synchronous_commit = synchronous_commit
        self.given = url
        self.root: Path | None = None
        self.bindir: Path | None = None

    def start(self) -> str:
        if self.given:
            return self.given.rstrip("/") + "/"
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            raise SystemExit("no PostgreSQL binaries: apt-get install postgresql, or --pg-url")
        self.bindir = Path(found[-1]).parent
        self.root = Path(tempfile.mkdtemp(prefix="bench-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        data, port = self.root / "data", _free_port()
        subprocess.run(_as_postgres([str(self.bindir / "initdb"), "-D", str(data), "-U",
                                     "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"]),
                       check=True, capture_output=True, timeout=120)
        options = (f"-p {port} -k {self.root} -c listen_addresses=127.0.0.1"
                   f" -c synchronous_commit={self.synchronous_commit}"
                   " -c max_connections=100 -c shared_buffers=128MB")
        subprocess.run(_as_postgres([str(self.bindir / "pg_ctl"), "-D", str(data), "-o",
                                     options, "-l", str(self.root / "server.log"), "-w",
                                     "start"]), check=True, capture_output=True, timeout=90)
        return f"postgresql://postgres@127.0.0.1:{port}/"

    def stop(self) -> None:
        if self.root is not None and self.bindir is not None:
            subprocess.run(_as_postgres([str(self.bindir / "pg_ctl"), "-D",
                                         str(self.root / "data"), "-m", "fast", "stop"]),
                           capture_output=True, timeout=60)
            shutil.rmtree(self.root, ignore_errors=True)


async def admin(base: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(base + "postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def make_event(settings_env: dict[str, str]) -> None:
    """Migrate the database and publish the one event, as the app will see it."""
    from webinar.clock import SystemClock
    from webinar.events import service as events
    from webinar.events.fields import EventFields
    from webinar.runtime import open_resources
    from webinar.settings import Settings

    settings = Settings(data_dir=Path(settings_env["WEBINAR_DATA_DIR"]),
                        db=settings_env.get("WEBINAR_DB"),
                        secret_key=settings_env["WEBINAR_SECRET_KEY"], rate_limit="0")
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)
    async with open_resources(settings, SystemClock()) as res:
        fields = EventFields.model_validate({
            "slug": "bench", "title": "Registration benchmark", "description": "",
            "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "timezone": "America/Guatemala", "join_url": "https://zoom.example.org/j/1",
            "capacity": None, "reminders": ["1d", "1h"],
            "organizer_emails": ["org@example.org"], "status": "published"})
        await events.create(res.store, res.now(), fields, None)


async def wait_ready(port: int, seconds: float = 120.0) -> None:
    import aiohttp

    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"the server on port {port} did not start")
            await asyncio.sleep(0.2)


def person(run: str, n: int) -> dict:
    return {"name": f"Persona {n}", "email": f"{run}-{n}@example.org",
            "organization": "Universidad de San Carlos", "position": "Docente",
            "sector": ("academic", "cooperation", "public", "private")[n % 4],
            "country": "GT", "language": "es", "consent": True}


async def drive(port: int, run: str, first: int, count: int, concurrency: int,
                limit_seconds: float) -> tuple[float, list[float], dict[int, int]]:
    import aiohttp

    latencies: list[float] = []
    statuses: dict[int, int] = {}
    queue = iter(range(first, first + count))
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency)
    url = f"http://127.0.0.1:{port}/api/v1/events/bench/registrations"
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            for n in queue:
                start = time.perf_counter()
                async with session.post(url, json=person(run, n)) as resp:
                    await resp.read()
                    latencies.append(time.perf_counter() - start)
                    statuses[resp.status] = statuses.get(resp.status, 0) + 1

        began = time.perf_counter()
        async with asyncio.timeout(limit_seconds):
            await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - began, latencies, statuses


def summary(name: str, seconds: float, latencies: list[float],
            statuses: dict[int, int]) -> float:
    cuts = statistics.quantiles(latencies, n=100)
    rate = len(latencies) / seconds
    print(f"{name:<14} {len(latencies)} requests in {seconds:6.2f} s: {rate:7,.0f} req/s;"
          f" p50 {cuts[49] * 1000:6.1f} ms, p95 {cuts[94] * 1000:6.1f} ms,"
          f" p99 {cuts[98] * 1000:6.1f} ms; statuses {dict(sorted(statuses.items()))}",
          flush=True)
    return rate


def count_rows(env: dict[str, str]) -> int:
    url = env.get("WEBINAR_DB")
    if url:
        import asyncpg

        async def count() -> int:
            conn = await asyncpg.connect(url)
            try:
                return int(await conn.fetchval("SELECT COUNT(*) FROM registrations"))
            finally:
                await conn.close()
        return asyncio.run(count())
    with closing(sqlite3.connect(Path(env["WEBINAR_DATA_DIR"]) / "webinar.db")) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM registrations").fetchone()[0])


def run(args: argparse.Namespace) -> int:
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
          flush=True)
    cluster = Cluster(args.synchronous_commit, args.pg_url)
    base = cluster.start()
    secret = secrets.token_urlsafe(32)
    rates: dict[str, float] = {}
    failed = False
    try:
        with tempfile.TemporaryDirectory(prefix="bench-regs-") as tmp:
            common = {k: v for k, v in os.environ.items() if not k.startswith("WEBINAR_")}
            common.update(WEBINAR_SECRET_KEY=secret, WEBINAR_RATE_LIMIT="0",
                          WEBINAR_DB_POOL_SIZE="10")
            setups: list[tuple[str, dict[str, str] | None, list[str]]] = [
                ("bare", None, []),
                ("sqlite 1 proc", {}, []),
                ("pg 1 proc", {"db": "pg1"}, []),
                ("pg 2 procs", {"db": "pg2"}, ["--workers", "2"]),
            ]
            for index, (name, kind, extra) in enumerate(setups):
                port = _free_port()
                if kind is None:
                    cmd = [sys.executable, __file__, "--bare-server", str(port)]
                    env = common
                else:
                    data_dir = Path(tmp) / str(index)
                    data_dir.mkdir()
                    env = {**common, "WEBINAR_DATA_DIR": str(data_dir)}
                    if "db" in kind:
                        db = f"bench_{kind['db']}_{os.getpid()}"
                        asyncio.run(admin(base, f'CREATE DATABASE "{db}"'))
                        env["WEBINAR_DB"] = base + db
                    asyncio.run(make_event(env))
                    cmd = [sys.executable, "-m", "webinar", "serve", "--no-scheduler",
                           "--host", "127.0.0.1", "--port", str(port), *extra]
                log = open(Path(tmp) / f"server-{index}.log", "wb")  # noqa: SIM115
                proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log)
                try:
                    asyncio.run(wait_ready(port))
                    run_id = f"r{index}"
                    asyncio.run(drive(port, run_id, 0, args.warmup, args.concurrency,
                                      args.timeout))
                    seconds, latencies, statuses = asyncio.run(drive(
                        port, run_id, args.warmup, args.requests, args.concurrency,
                        args.timeout))
                    rates[name] = summary(name, seconds, latencies, statuses)
                    if statuses != {201: args.requests}:
                        failed = True
                    if kind is not None:
                        stored = count_rows(env)
                        if stored != args.requests + args.warmup:
                            print(f"  {name}: {stored} rows stored, expected"
                                  f" {args.requests + args.warmup}", flush=True)
                            failed = True
                finally:
                    proc.terminate()
                    try:
                        proc.wait(30)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait()
                    log.close()
    finally:
        cluster.stop()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
          flush=True)
    for name, rate in rates.items():
        if name != "bare":
            print(f"{name}/bare throughput: {rate / rates['bare']:.3f}", flush=True)
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--synchronous-commit", choices=["on", "off"], default="on")
    parser.add_argument("--pg-url", help="a PostgreSQL server to use instead of a"
                                         " throwaway cluster (postgresql://user@host:port/)")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--bare-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_server:
        bare_server(args.bare_server)
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
