"""Shared parts of the HTTP benchmarks (bench/registration_api.py, registration_form.py,
join_spike.py): a fresh data dir with one event, the servers as subprocesses (a bare
aiohttp handler, `webinar serve --no-scheduler` = the Procfile's web process, and
`webinar serve` with its scheduler process), and wrk driving each in turn in one run.

With `rate` (the scripts' `--rate R`), bench/openloop.py drives each server instead: an
open loop offering R requests/s in total over the same connections (Poisson, wrk2-style,
latency from the scheduled send time), to measure latency below saturation; the table then
adds the offered rate, the max latency and the generator's send lag.

BENCH_PROBE=FILE (environment) loads bench/probe/sitecustomize.py into the servers: one
line per process in FILE at exit with its GC pauses, event-loop lag and SQLite write-lock
waits and holds (where the tail comes from).

Each figure is printed with the load average of the moment beside it: the machine is
shared, so the ratio to the bare handler measured in the same run is what counts.

The bare handler (this file run with `--bare PORT`) answers each benchmarked route the way
the app does at its simplest (a 303, a 201 with a small JSON body, a small page) with no
middleware and no database: aiohttp's own floor on this machine.
"""

from __future__ import annotations

import asyncio
import math
import os
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PLATFORM = "https://zoom.example.org/j/1"
SLUG = "bench"
SECTORS = ("academic", "cooperation", "public", "private")
MODES = ("bare", "web", "serve")  # web: the Procfile's `serve --no-scheduler`


# --- the bare handler ----------------------------------------------------------------------

def bare_server(port: int) -> None:
    from aiohttp import web

    async def join(request: web.Request) -> web.Response:
        raise web.HTTPSeeOther(PLATFORM)

    async def api_register(request: web.Request) -> web.Response:
        await request.json()
        return web.json_response({"status": "confirmed"}, status=201)

    async def page(request: web.Request) -> web.Response:
        return web.Response(text="<!doctype html><form method=post></form>",
                            content_type="text/html")

    async def form_register(request: web.Request) -> web.Response:
        await request.post()
        raise web.HTTPSeeOther("/r/token?welcome=1")

    async def healthz(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/j/{token}", join)
    app.router.add_post("/api/v1/events/{slug}/registrations", api_register)
    app.router.add_get("/events/{slug}", page)
    app.router.add_post("/events/{slug}/register", form_register)
    app.router.add_get("/healthz", healthz)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


# --- data dir ------------------------------------------------------------------------------

async def _build(data_dir: Path, secret: str, registrations: int,
                 capacity: int | None) -> list[str]:
    from webinar.clock import SystemClock, to_db
    from webinar.events import service as events
    from webinar.events.fields import EventFields
    from webinar.registrations.model import new_token
    from webinar.runtime import open_resources
    from webinar.settings import Settings

    settings = Settings(data_dir=data_dir, secret_key=secret, rate_limit="0")
    starts = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=5)
    async with open_resources(settings, SystemClock()) as res:
        fields = EventFields.model_validate({
            "slug": SLUG, "title": "Benchmark forum", "description": "",
            "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "timezone": "America/Guatemala", "join_url": PLATFORM, "capacity": capacity,
            "reminders": [], "organizer_emails": ["org@example.org"], "status": "published",
        })
        event = await events.create(res.store, res.now(), fields, None)
        stamp = to_db(res.now())
        tokens = []
        async with res.store.transaction() as tx:
            for n in range(registrations):
                values = {"email": f"persona{n}@example.org", "name": f"Persona {n}",
                          "organization": "Universidad", "position": "Docente",
                          "sector": SECTORS[n % 4], "country": "GT", "language": "es"}
                row = await tx.registrations.insert(event.id, new_token(), new_token(),
                                                    values, "confirmed", stamp)
                tokens.append(row["join_token"])
    return tokens


@dataclass
class DataDir:
    path: Path
    secret: str
    tokens: list[str]

    @property
    def db(self) -> Path:
        return self.path / "webinar.db"

    def count(self, sql: str) -> int:
        with closing(sqlite3.connect(self.db)) as conn:
            return int(conn.execute(sql).fetchone()[0])


def make_data_dir(root: Path, name: str, registrations: int = 0,
                  capacity: int | None = None) -> DataDir:
    path = root / name
    path.mkdir()
    secret = secrets.token_urlsafe(32)
    tokens = asyncio.run(_build(path, secret, registrations, capacity))
    return DataDir(path, secret, tokens)


# --- servers -------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(port: int, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"the server on port {port} did not start")
        time.sleep(0.1)


@contextmanager
def server(mode: str, data: DataDir | None) -> Iterator[int]:
    """Start one server (`bare`, `web` or `serve`) on a free port; yields the port."""
    port = free_port()
    if mode == "bare":
        cmd = [sys.executable, str(Path(__file__)), "--bare", str(port)]
        env = dict(os.environ)
    else:
        assert data is not None
        cmd = [sys.executable, "-m", "webinar", "serve", "--host", "127.0.0.1",
               "--port", str(port)] + (["--no-scheduler"] if mode == "web" else [])
        env = {**os.environ, "WEBINAR_DATA_DIR": str(data.path),
               "WEBINAR_SECRET_KEY": data.secret, "WEBINAR_RATE_LIMIT": "0"}
        env.pop("WEBINAR_DB", None)
        env.pop("WEBINAR_SMTP_URL", None)  # mail as .eml files in the data dir
        if env.get("BENCH_PROBE"):  # bench/probe/sitecustomize.py: GC, loop lag, write lock
            paths = [str(ROOT / "bench" / "probe"), env.get("PYTHONPATH", "")]
            env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    # The servers' output (the access log: a line a request) goes to a file, not the
    # terminal the figures are printed on; its tail is shown when a server fails to start.
    log_dir = data.path if data is not None else Path(tempfile.gettempdir())
    log_path = log_dir / f"server-{mode}-{port}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        try:
            wait_ready(port)
        except SystemExit:
            tail = log_path.read_text(errors="replace").splitlines()[-20:]
            print("\n".join(tail), file=sys.stderr)
            raise
        yield port
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if data is None and log_path.stat().st_size == 0:
            log_path.unlink()  # the bare handler's, in the temp dir: nothing to keep


# --- wrk -----------------------------------------------------------------------------------

@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    load: str
    max_ms: float = math.nan
    offered: float | None = None      # paced runs: requests/s offered
    lag_p99_ms: float = math.nan      # paced runs: p99 of (sent - scheduled)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        print(f"(wrk latency {text!r} not understood)", file=sys.stderr)
        return float("nan")
    value, unit = match.groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(port: int, script: str, *, duration: float, connections: int,
        name: str = "") -> Result:
    """Run wrk (1 thread) with a Lua `script` against the port; parse its summary."""
    load = open("/proc/loadavg").read().split()[0]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(duration))}s", "--latency",
             "--timeout", "10s", "-s", f.name, f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(f.name)
    return parse_wrk(out, name, load)


def parse_wrk(out: str, name: str, load: str) -> Result:
    """The figures of wrk's summary (`--latency`)."""
    if "Latency Distribution" not in out:
        raise SystemExit(f"wrk printed no latency distribution:\n{out}")
    requests, seconds = re.search(r"(\d+) requests in ([\d.]+)(m?s)", out).groups()[:2]  # type: ignore[union-attr]
    secs = float(seconds) * (1 if re.search(r"requests in [\d.]+s", out) else 0.001)
    # The percentile lines of the distribution, each on its own line: a bare "50%" would
    # also match a "+/- Stdev" figure such as 87.50% and read the next word ("Req/Sec").
    p50, p99 = (_percentile(out, label) for label in ("50%", "99%"))
    errors = 0
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                      out):
        errors += sum(int(g) for g in m.groups())
    return Result(name, int(requests), secs, p50, p99, errors, load)


def _percentile(out: str, label: str) -> float:
    """A latency percentile line of the distribution (`  99%  12.34ms`), in ms; NaN (and
    the output on stderr) when wrk printed none, rather than losing a long run."""
    match = re.search(rf"^\s*{re.escape(label)}\s+(\S+)\s*$", out, re.M)
    if match is None:
        print(f"(no {label} line in wrk's output)\n{out}", file=sys.stderr)
        return float("nan")
    return _ms(match.group(1))


def paced(port: int, build: Callable[[int], bytes], *, rate: float, duration: float,
          connections: int, expect: frozenset[int], name: str = "") -> Result:
    """Drive the port with bench/openloop.py at `rate` requests/s; warn (on stderr) when
    the offered rate was not achieved or requests went out late."""
    import openloop

    load = open("/proc/loadavg").read().split()[0]
    r = openloop.run(port, build, rate=rate, duration=duration, connections=connections,
                     expect=expect)
    for warning in r.warnings():
        print(f"({name or 'warm-up'}: {warning})", file=sys.stderr, flush=True)
    if r.errors:
        print(f"({name or 'warm-up'}: statuses {r.statuses}, {r.failed} connection errors)",
              file=sys.stderr, flush=True)
    return Result(name, r.completed, r.elapsed, r.ms(50), r.ms(99), r.errors, load,
                  max_ms=r.max_ms, offered=r.offered, lag_p99_ms=r.lag_ms(99))


def lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def print_table(title: str, results: list[Result], bare: Result) -> None:
    print(f"\n{title}")
    if any(r.offered is not None for r in results):
        print(f"{'server':<8} {'offered':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}"
              f" {'max ms':>8} {'lag p99':>8} {'errors':>7} {'load':>6}")
        for r in results:
            print(f"{r.name:<8} {r.offered or 0:>8,.0f} {r.rate:>8,.0f} {r.p50_ms:>8.1f}"
                  f" {r.p99_ms:>8.1f} {r.max_ms:>8.1f} {r.lag_p99_ms:>8.1f} {r.errors:>7}"
                  f" {r.load:>6}", flush=True)
        return
    print(f"{'server':<8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"
          f" {'x bare':>7} {'load':>6}")
    for r in results:
        ratio = r.rate / bare.rate if bare.rate else 0.0
        print(f"{r.name:<8} {r.rate:>8,.0f} {r.p50_ms:>8.1f} {r.p99_ms:>8.1f} {r.errors:>7}"
              f" {ratio:>7.3f} {r.load:>6}", flush=True)


def run_modes(modes: list[str], data_for: Callable[[str], DataDir | None],
              script_for: Callable[[str, int], str], *, duration: float, warmup: float,
              connections: int, after: Callable[[str, DataDir | None], None] | None = None,
              rate: float | None = None,
              build_for: Callable[[str, int], Callable[[int], bytes]] | None = None,
              expect: frozenset[int] = frozenset({200, 201, 303}),
              ) -> list[Result]:
    """For each mode: start it, warm it up, measure it, stop it. With `rate`, paced by
    bench/openloop.py with the requests of `build_for(name, port)` instead of wrk."""
    results = []
    for mode in modes:
        data = data_for(mode)
        with server(mode, data) as port:
            if rate is not None:
                assert build_for is not None
                if warmup:
                    paced(port, build_for("warm-" + mode, port), rate=rate, duration=warmup,
                          connections=connections, expect=expect)
                result = paced(port, build_for(mode, port), rate=rate, duration=duration,
                               connections=connections, expect=expect, name=mode)
                results.append(result)
                if after is not None:
                    after(mode, data)
                continue
            if warmup:
                wrk(port, script_for("warm-" + mode, port), duration=warmup,
                    connections=connections)
            result = wrk(port, script_for(mode, port), duration=duration,
                         connections=connections, name=mode)
            results.append(result)
            if after is not None:
                after(mode, data)
    return results


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "--bare":
    bare_server(int(sys.argv[2]))
