"""Benchmark: the organizers' registrants table `GET /admin/events/{slug}/registrants` at
100,000 registrations, through the real server, beside a bare aiohttp handler that
answers a page of the same size, in the same run.

    .venv/bin/python bench/registrants_page.py [--registrations 100000]
        [--intervals 150000] [--visits 50000] [--repeat 15]

Setup: a temp data dir; the event (ended an hour ago) made by the events service; the
registrations, presence intervals and join visits bulk-inserted straight through SQL
(sqlite3 executemany, one transaction each: the services would take minutes); an
organizer account. The app runs as `python -m webinar serve --no-scheduler` in its own
process, the bare handler as another (this file with `--bare-server PORT`). The client
signs in through the real form, then asks each page `--repeat` times in a row (one
request at a time) after one unmeasured request, and prints the median and the slowest
in milliseconds. Cases: the first page; a narrow search; a broad search; a filter with a
sort (sector + country, by name, descending); a deep page (page 1,500 of 2,000 in name
order); attended=yes sorted by minutes (the whole event's attendance: its first request
is printed apart, as "cold"); the CSV export of a filtered set (timed once).

One run (2026-11-30, feat/registrants, the 2-core machine shared with other work: load
average 9-11 throughout, so every figure is several times a quiet machine's):

    .venv/bin/python bench/registrants_page.py --keep /tmp/regbench --repeat 10

    bare aiohttp handler (a page of the same size):
      page                         median     3.9 ms, slowest     9.5 ms
    app, 100,000 registrations:
      first page                   median    98.9 ms, slowest   131.6 ms; page 85 kB
      search (narrow)              median   211.3 ms, slowest   305.2 ms; page 17 kB
      search (broad)               median   240.6 ms, slowest   415.3 ms; page 87 kB
      filter + sort                median   112.4 ms, slowest   219.6 ms; page 92 kB
      deep page (name order)       median    69.9 ms, slowest   131.7 ms; page 88 kB
      attended + minutes sort      median   466.0 ms, slowest   705.7 ms; cold 11928 ms
      CSV export, sector public: 1608 ms, 24,976 rows, status 200

feat/report-perf (the same database; the whole event's attendance now one linear pass over
the intervals read in order from a covering index): the machine at load 11-13 with a full
test suite beside it, so walls mean little; in-process CPU of the whole event's
attendance (webinar.attendance.service.registrations_attendance, 150,000 intervals,
50,000 visits): 1.52 s before, 0.67 s after; the warm filter+sort page 0.15 s CPU (the
list of 100,000 ids in order and the sort), unchanged. Server figures at load 11-12:
attended + minutes sort median 1068 ms, cold 6128 ms (before, load 10-11: 461 ms, cold
4222 ms): slower walls under a heavier load, less CPU.

feat/search-fold (issue 13: the search ignores case and accents; one LIKE on the folded
`search_key` instead of three on name, email and organization). The rows `fill` writes
carry no key, so the setup then runs the start-up backfill and prints its time. Same
command, without --keep, the code before and after back to back at load 6-7:

    before: search (narrow) median 150.3 ms, search (broad) median 247.3 ms
    after:  search (narrow) median 175.6 ms, search (broad) median 162.7 ms
            (another run, load 6: 137.2 ms and 218.7 ms)
    backfill: search keys of 100,000 registrations in 7.7-9.7 s (once, at the first start)

Walls move by a third between runs at this load; the SQL alone (COUNT plus a page of 50,
sqlite3 in-process CPU, the same database, three alternating runs): narrow 100-174 ms
before, 97-139 ms after; broad 46-79 ms before, 36-46 ms after.

After the kept attendance (webinar.attendance.snapshots: the minutes order made once per
change of the event's attendance, keyed by the event's own last log entry) and every
branch of 2026-11-30 merged, load average 0.6 (but the host slow: the report bench's
calibration loop at 0.6-0.7 s instead of 0.36 s):

    first page 54.1 ms, search (narrow) 105.7 ms, search (broad) 99.8 ms,
    filter + sort 72.2 ms, deep page 66.3 ms, attended + minutes sort 74.6 ms
    (cold 1865 ms: the first request after a change of the event's attendance),
    CSV export 1639 ms. Before the kept order, that morning at load 1-4: attended +
    minutes sort 277 ms median, cold 1559 ms.

A search is one scan of the event's rows (LIKE on the search key; a second scan counts
the matches when they fill more than a page). Filtering by attended or sorting by minutes
needs the whole event's attendance (webinar.attendance.service.event_attendance, the
report's function): its first computation is the "cold" figure, then it is kept until
the event log moves; the warm figure is the list of every id in order plus the sort.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
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

SLUG = "bench-registrants"
EMAIL, PASSWORD = "org@example.org", "a long bench password"
SECTORS = ("academic", "cooperation", "public", "private")
COUNTRIES = ("GT", "SV", "HN", "MX", "CR", "CO", "ES", "US")
FIRST = ("Ana", "María", "José", "Luis", "Carla", "Diego", "Elena", "Jorge", "Lucía", "Pedro")
LAST = ("García", "López", "Pérez", "Ruiz", "Morales", "Castillo", "Díaz", "Herrera")
ORGS = ("Universidad de San Carlos", "PNUD", "Ministerio de Salud", "Banco Industrial",
        "Universidad Rafael Landívar", "UNICEF", "Municipalidad", "Tigo")


def bare_server(port: int, size: int) -> None:
    from aiohttp import web

    page = ("<!doctype html><p>" + "x" * size + "</p>").encode()

    async def handler(request: web.Request) -> web.Response:
        response = web.Response(body=page, content_type="text/html", charset="utf-8")
        response.enable_compression()
        return response

    app = web.Application()
    app.router.add_get("/page", handler)
    app.router.add_get("/healthz", handler)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def make_event(data_dir: Path, secret: str) -> tuple[int, datetime, datetime]:
    from webinar.clock import SystemClock
    from webinar.events import service as events
    from webinar.events.fields import EventFields
    from webinar.organizers import accounts as organizers
    from webinar.runtime import open_resources
    from webinar.settings import Settings

    settings = Settings(data_dir=data_dir, secret_key=secret, rate_limit="0")
    starts = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=3)
    ends = starts + timedelta(hours=2)
    async with open_resources(settings, SystemClock()) as res:
        await organizers.create(res.store, res.now(), EMAIL, PASSWORD)
        fields = EventFields.model_validate({
            "slug": SLUG, "title": "Registrants benchmark", "description": "",
            "starts_at": starts.isoformat(), "ends_at": ends.isoformat(),
            "timezone": "America/Guatemala", "join_url": "https://zoom.example.org/j/1",
            "capacity": None, "reminders": [], "organizer_emails": [EMAIL],
            "status": "published"})
        event = await events.create(res.store, res.now(), fields, None)
    return event.id, starts, ends


def fill(db: Path, event_id: int, starts: datetime, args: argparse.Namespace) -> None:
    """Registrations, intervals and visits, straight through SQL."""
    from webinar.clock import micros_of, to_db

    rng = random.Random(7)
    created = starts - timedelta(days=30)
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.executemany(
            "INSERT INTO registrations (id, event_id, token, join_token, email, name,"
            " organization, position, sector, country, language, status, consent_at,"
            " created_at, confirmed_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?,"
            " ?, ?, ?, ?, ?, ?)",
            ((n, event_id, secrets.token_urlsafe(18), secrets.token_urlsafe(18),
              f"persona{n}@example.org",
              f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}", rng.choice(ORGS),
              rng.choice(SECTORS), rng.choice(COUNTRIES), rng.choice(("es", "en")),
              "confirmed" if n % 20 else "cancelled",
              to_db(created + timedelta(seconds=20 * n)),
              to_db(created + timedelta(seconds=20 * n)),
              to_db(created + timedelta(seconds=20 * n)),
              to_db(created + timedelta(seconds=20 * n)))
             for n in range(1, args.registrations + 1)))
        conn.executemany(
            "INSERT INTO presence_intervals (event_id, registration_id, email, name, source,"
            " started_at, ended_at, key, created_at, started_us, ended_us)"
            " VALUES (?, ?, NULL, '', 'zoom', ?, ?, ?, ?, ?, ?)",
            ((event_id, reg, to_db(begin), to_db(finish), f"bench:{i}", to_db(begin),
              micros_of(to_db(begin)), micros_of(to_db(finish)))
             for i in range(args.intervals)
             for reg in [rng.randint(1, args.registrations)]
             for begin in [starts + timedelta(minutes=rng.randint(-10, 110))]
             for finish in [begin + timedelta(minutes=rng.randint(1, 90))]))
        conn.executemany(
            "INSERT INTO join_visits (event_id, registration_id, at) VALUES (?, ?, ?)",
            ((event_id, rng.randint(1, args.registrations),
              to_db(starts + timedelta(minutes=rng.randint(-10, 100))))
             for _ in range(args.visits)))
        conn.execute("ANALYZE")


async def fill_keys(db: Path) -> int:
    """The search keys of the rows `fill` wrote without one: the start-up backfill
    (webinar.store.backfill), as the first start after migration 0013 runs it."""
    from webinar.store.backfill import fill_search_keys
    from webinar.store.sqlite.database import SqliteStore

    store = SqliteStore(db)
    await store.connect()
    try:
        return await fill_search_keys(store)
    finally:
        await store.close()


async def wait_ready(port: int, seconds: float = 60.0) -> None:
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


async def timed(session, url: str) -> tuple[float, int, bytes]:
    start = time.perf_counter()
    async with session.get(url, allow_redirects=False) as resp:
        body = await resp.read()
        return time.perf_counter() - start, resp.status, body


def line(name: str, times: list[float], note: str = "") -> None:
    print(f"  {name:<28} median {statistics.median(times) * 1000:7.1f} ms,"
          f" slowest {max(times) * 1000:7.1f} ms{note}", flush=True)


async def measure(args: argparse.Namespace, ports: dict[str, int]) -> bool:
    import aiohttp

    for port in ports.values():
        await wait_ready(port)
    ok = True
    # unsafe=True: keep the cookies of a server addressed by IP (127.0.0.1).
    async with aiohttp.ClientSession(headers={"Accept-Language": "en"},
                                     cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        bare = f"http://127.0.0.1:{ports['bare']}/page"
        await timed(session, bare)
        print("bare aiohttp handler (a page of the same size):", flush=True)
        line("page", [(await timed(session, bare))[0] for _ in range(args.repeat)])

        app = f"http://127.0.0.1:{ports['app']}"
        async with session.get(f"{app}/admin/login") as resp:
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', await resp.text())
        assert csrf is not None
        async with session.post(f"{app}/admin/login", allow_redirects=False, data={
                "email": EMAIL, "password": PASSWORD, "next": "/admin/",
                "csrf_token": csrf.group(1)}) as resp:
            assert resp.status == 303, resp.status
        base = f"{app}/admin/events/{SLUG}/registrants"
        cases = {
            "first page": "",
            "search (narrow)": "?q=persona4242@",
            "search (broad)": "?q=universidad",
            "filter + sort": "?sector=public&country=SV&sort=name&order=desc",
            "deep page (name order)": "?sort=name&page=1500",
            "attended + minutes sort": "?attended=yes&sort=minutes&order=desc",
        }
        print(f"app, {args.registrations:,} registrations:", flush=True)
        for name, query in cases.items():
            cold, status, body = await timed(session, base + query)
            if status != 200 or b"<tbody>" not in body:
                print(f"  {name}: unexpected answer {status}", flush=True)
                ok = False
                continue
            times = [(await timed(session, base + query))[0] for _ in range(args.repeat)]
            note = f"; cold {cold * 1000:.0f} ms" if "attended" in query else ""
            line(name, times, note + f"; page {len(body) // 1024} kB")
        spent, status, body = await timed(
            session, f"{app}/admin/events/{SLUG}/registrants/export?format=csv&sector=public")
        rows = body.count(b"\n") - 1
        print(f"  CSV export, sector public: {spent * 1000:.0f} ms, {rows:,} rows,"
              f" status {status}", flush=True)
    return ok


def run(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="bench-registrants-") as tmp:
        data_dir = Path(args.keep or tmp)
        secret = "bench-" + "k" * 40
        if not (data_dir / "webinar.db").exists():
            t0 = time.perf_counter()
            event_id, starts, _ends = asyncio.run(make_event(data_dir, secret))
            fill(data_dir / "webinar.db", event_id, starts, args)
            print(f"setup: {args.registrations:,} registrations, {args.intervals:,}"
                  f" intervals, {args.visits:,} join visits in"
                  f" {time.perf_counter() - t0:.1f} s", flush=True)
            t0 = time.perf_counter()
            keyed = asyncio.run(fill_keys(data_dir / "webinar.db"))
            print(f"backfill: search keys of {keyed:,} registrations in"
                  f" {time.perf_counter() - t0:.1f} s", flush=True)
        ports = {"bare": _free_port(), "app": _free_port()}
        env = {**os.environ, "WEBINAR_DATA_DIR": str(data_dir), "WEBINAR_SECRET_KEY": secret,
               "WEBINAR_RATE_LIMIT": "0"}
        env.pop("WEBINAR_DB", None)
        processes = [
            subprocess.Popen([sys.executable, __file__, "--bare-server", str(ports["bare"])],
                             cwd=ROOT),
            subprocess.Popen([sys.executable, "-m", "webinar", "serve", "--no-scheduler",
                              "--host", "127.0.0.1", "--port", str(ports["app"])],
                             cwd=ROOT, env=env),
        ]
        try:
            ok = asyncio.run(measure(args, ports))
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
        return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--registrations", type=int, default=100_000)
    parser.add_argument("--intervals", type=int, default=150_000)
    parser.add_argument("--visits", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--keep", metavar="DIR",
                        help="build the data in DIR and keep it; reuse it when it is there")
    parser.add_argument("--bare-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--bare-size", type=int, default=60_000, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_server:
        bare_server(args.bare_server, args.bare_size)
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
