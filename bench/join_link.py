"""Benchmark: the personal join link `GET /j/{join_token}` under load, beside a bare
aiohttp handler that only answers 303, in the same run.

    .venv/bin/python bench/join_link.py [--registrations 20000] [--requests 5000]
        [--concurrency 50] [--warmup 200]

What it measures, and how it is set up:

* A temp data dir with one published event whose doors are open now (it started five
  minutes ago and ends in two hours, by the system clock) and `--registrations`
  confirmed registrations, each with its own join token, written with the real data
  layer (`store.registrations.insert`) in one transaction.
* The real app as a subprocess: `python -m webinar serve --no-scheduler` on a free
  loopback port, with WEBINAR_DATA_DIR pointing at that dir and WEBINAR_RATE_LIMIT=0.
  Each request is the real hot path: one read (the registration with its event) and one
  write transaction (the visit row and its `attendance.joined` log entry), then a 303.
* The bare handler as another subprocess (this file with `--bare-server PORT`):
  `web.run_app` with one route `/j/{token}` that raises a 303, access log off like
  `webinar serve`. It is the ceiling: aiohttp's own cost on this machine.
* The client (this process): one aiohttp ClientSession, at most `--concurrency`
  requests in flight, redirects not followed, each request to a distinct token (so
  `--requests` + `--warmup` must not exceed `--registrations`). A warm-up of `--warmup`
  requests (to other tokens) precedes each measured run. Loopback only; each run is
  bounded by `--timeout` seconds.
* Afterwards it checks that every answer was a 303 and that the database holds one
  visit per request sent to the app.

Prints, for each server, requests/s and the p50/p95/p99 latency in milliseconds, then
the app's throughput as a fraction of the bare handler's.

One run (2026-11-30, main after the one-read join path, a quiet 2-core machine, load
average under 1):

    .venv/bin/python bench/join_link.py --registrations 20000 --requests 5000 --concurrency 50

    setup: 20000 registrations in 7.8 s
    bare   5000 requests in 1.35 s: 3,707 req/s; latency p50 12.8 ms, p95 15.7 ms, p99 56.0 ms
    app    5000 requests in 15.70 s: 318 req/s; latency p50 150.6 ms, p95 211.0 ms, p99 318.8 ms
    app/bare throughput: 0.09 (join visits stored: 5200, expected 5200)

Every app request commits its own write transaction behind the one writer connection, so
the commit is the bottleneck; batching visits or a cheaper commit is the performance
issue's work.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
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

PLATFORM = "https://zoom.example.org/j/1"


# --- the bare handler, in its own process --------------------------------------------------

def bare_server(port: int) -> None:
    from aiohttp import web

    async def join(request: web.Request) -> web.Response:
        raise web.HTTPSeeOther(PLATFORM)

    async def healthz(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/j/{token}", join)
    app.router.add_get("/healthz", healthz)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- setup ---------------------------------------------------------------------------------

async def build_database(data_dir: Path, secret: str, count: int) -> list[str]:
    """The event with its doors open now and `count` registrations; their join tokens."""
    from webinar.clock import SystemClock, to_db
    from webinar.events import service as events
    from webinar.events.fields import EventFields
    from webinar.registrations.model import new_token
    from webinar.runtime import open_resources
    from webinar.settings import Settings

    settings = Settings(data_dir=data_dir, secret_key=secret, rate_limit="0")
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    starts = now - timedelta(minutes=5)
    async with open_resources(settings, SystemClock()) as res:
        fields = EventFields.model_validate({
            "slug": "bench-join", "title": "Join-link benchmark", "description": "",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "timezone": "America/Guatemala", "join_url": PLATFORM, "capacity": None,
            "reminders": [], "organizer_emails": ["org@example.org"],
            "status": "published",
        })
        event = await events.create(res.store, res.now(), fields, None)
        stamp = to_db(res.now())
        tokens = []
        async with res.store.transaction() as tx:
            for n in range(count):
                values = {"email": f"persona{n}@example.org", "name": f"Persona {n}",
                          "organization": "Universidad", "position": "Docente",
                          "sector": ("academic", "cooperation", "public", "private")[n % 4],
                          "country": "GT", "language": "es"}
                row = await tx.registrations.insert(event.id, new_token(), new_token(),
                                                    values, "confirmed", stamp)
                tokens.append(row["join_token"])
    return tokens


def _visits(db: Path) -> int:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute("SELECT COUNT(*) FROM join_visits").fetchone()[0]


# --- the load ------------------------------------------------------------------------------

async def wait_ready(port: int, seconds: float = 30.0) -> None:
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
            await asyncio.sleep(0.1)


async def drive(port: int, tokens: list[str], concurrency: int,
                limit_seconds: float) -> tuple[float, list[float], dict[int, int]]:
    """Send one GET per token, at most `concurrency` at once: (seconds, latencies in
    seconds, count by status)."""
    import aiohttp

    latencies: list[float] = []
    statuses: dict[int, int] = {}
    queue = iter(tokens)
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            for token in queue:
                start = time.perf_counter()
                async with session.get(f"http://127.0.0.1:{port}/j/{token}",
                                       allow_redirects=False) as resp:
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
    print(f"{name:<6} {len(latencies)} requests in {seconds:.2f} s: {rate:,.0f} req/s;"
          f" latency p50 {cuts[49] * 1000:.1f} ms, p95 {cuts[94] * 1000:.1f} ms,"
          f" p99 {cuts[98] * 1000:.1f} ms; statuses {dict(sorted(statuses.items()))}",
          flush=True)
    return rate


async def load(args: argparse.Namespace, ports: dict[str, int],
               tokens: list[str]) -> dict[str, float]:
    """Warm up, then measure, each server in turn: requests/s by server name."""
    for port in ports.values():
        await wait_ready(port)
    warm, measured = tokens[:args.warmup], tokens[args.warmup:][:args.requests]
    rates = {}
    for name, port in ports.items():
        await drive(port, warm, args.concurrency, args.timeout)
        seconds, latencies, statuses = await drive(port, measured, args.concurrency,
                                                   args.timeout)
        rates[name] = summary(name, seconds, latencies, statuses)
        if statuses != {303: len(measured)}:
            print(f"  unexpected answers from {name}: {statuses}", flush=True)
    return rates


def run(args: argparse.Namespace) -> int:
    if args.requests + args.warmup > args.registrations:
        raise SystemExit("--requests + --warmup must not exceed --registrations")
    with tempfile.TemporaryDirectory(prefix="bench-join-") as tmp:
        data_dir = Path(tmp)
        secret = secrets.token_urlsafe(32)
        t0 = time.perf_counter()
        tokens = asyncio.run(build_database(data_dir, secret, args.registrations))
        print(f"setup: {args.registrations} registrations in {time.perf_counter() - t0:.1f} s",
              flush=True)
        ports = {"bare": _free_port(), "app": _free_port()}
        env = {**os.environ, "WEBINAR_DATA_DIR": str(data_dir), "WEBINAR_SECRET_KEY": secret,
               "WEBINAR_RATE_LIMIT": "0"}
        env.pop("WEBINAR_DB", None)  # the data dir's own database
        processes = [
            subprocess.Popen([sys.executable, __file__, "--bare-server", str(ports["bare"])],
                             cwd=ROOT),
            subprocess.Popen([sys.executable, "-m", "webinar", "serve", "--no-scheduler",
                              "--host", "127.0.0.1", "--port", str(ports["app"])],
                             cwd=ROOT, env=env),
        ]
        try:
            rates = asyncio.run(load(args, ports, tokens))
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
        visits = _visits(data_dir / "webinar.db")
        expected = min(args.warmup + args.requests, len(tokens))
        print(f"app/bare throughput: {rates['app'] / rates['bare']:.2f}"
              f" (join visits stored: {visits}, expected {expected})", flush=True)
        return 0 if visits == expected else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--registrations", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=5_000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="the longest a measured run may take, in seconds")
    parser.add_argument("--bare-server", type=int, metavar="PORT",
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_server:
        bare_server(args.bare_server)
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
