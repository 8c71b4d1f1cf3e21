"""Benchmark: a registration rush through `POST /api/v1/events/{slug}/registrations`
(distinct emails, the four sectors in turn), beside a bare aiohttp handler, in one run.

    .venv/bin/python bench/registration_api.py [--duration 8] [--connections 50]
        [--modes bare,web,serve]

wrk (1 thread, `--connections`, `--duration` seconds after a 2 s warm-up) drives each
server in turn: the bare handler, `webinar serve --no-scheduler` (the Procfile's web
process) and `webinar serve` (with its scheduler process), each app on a fresh data dir
with one open event of unlimited capacity and WEBINAR_RATE_LIMIT=0. Prints req/s, p50, p99,
errors, the ratio to the bare handler and the load average; for `serve`, how long after
the rush the last confirmation mail was sent. Needs `wrk` (Debian package `wrk`).

`--rate R`: paced instead (bench/openloop.py): R requests/s offered in total over the
connections (Poisson, latency from each request's scheduled send time), so the latency
is measured below saturation; the table adds offered rate, max and the send lag.
Closed-loop wrk at 50 connections cannot show p99 < 20 ms (Little's law: 50 / 733/s =
68 ms of wait), whatever the server does.

Paced figures (2-core machine shared with other sessions, 50 connections, 8 s after 2 s
of warm-up, `.venv/bin/python bench/registration_api.py --rate 350`; load average beside):

    before (cad0507, store as it was)          after (WAL checkpoints off the COMMIT path,
                                                BEGIN IMMEDIATE polled every 0.5 ms)
    web    p50  7.0 p99   61.7 max  116 (1.20)   bare  p50 1.0 p99  3.2 max   5 (1.22)
    serve  p50 41.4 p99  273.8 max  431 (1.38)   web   p50 5.4 p99 31.7 max  86 (1.19)
    web    p50  5.4 p99   41.9 max   81 (2.14)   serve p50 16.9 p99 83.3 max 152 (1.16)
    serve  p50 270  p99 1496.6 max 2112 (1.97)   web   p50 8.4 p99 37.4 max  88 (2.13)
           (307/s achieved of 352 offered)        serve p50 69.4 p99 351 max 606 (2.19)

Zero errors in all; serve sent all 3,582 confirmations 4.6 s after the rush. Inside the
server (BENCH_PROBE=FILE, bench/probe/sitecustomize.py): at 350/s the web process's group
COMMITs that ran SQLite's automatic checkpoint (fsync, 15-30 ms, write lock held) were
30-37 a run, 0-6 after; in serve, the web process's BEGIN IMMEDIATE waited p99 115-240 ms
(max 330-640) behind the scheduler's commits, 42-85 (max 94-134) after. What remains: the
host itself (bare p99 is 3 ms at load 1.2, 60-120 ms at load 3-4: 8 sessions share the two
cores), CPU (web ~0.7 core at 350/s incl. its SQLite thread; the scheduler child composing
the confirmations takes the other), and in serve the write lock shared with the scheduler
(web waits ~3.5 s in BEGIN per 12 s run; the scheduler holds it ~1.5 s). Tried and not
kept: gc.freeze() after start-up (gen-2 collections happen only during start-up; no gain),
sys.setswitchinterval(0.0005) (p99 56/35/23 -> 29/23/24 ms: within the noise).

At 200/s (a quarter of the web process's closed-loop throughput), merged code, load
1.0-1.2, `--rate 200 --modes bare,web,serve`: bare p50 1.1 p99 3.5; web p50 4.6 p99
15.5; serve p50 7.3 p99 23.6 ms, and again serve alone 8.1 / 26.0 ms; zero errors, every
confirmation sent 0.3 s after the rush. With BENCH_PROBE in serve at 200/s: the
scheduler made 1,602 write transactions for about 2,000 confirmations (one a mail,
mostly: the mark after each SMTP send) and held the write lock 1.3 s of the run; the
web process's BEGIN waited p99 9.4 ms for it. Taking BEGIN IMMEDIATE on the loop's thread
when the lock is free (no hand-off) was tried and not kept: closed-loop web throughput
790/804 before, 757/777 after (alternating runs). Correction (the probe's `tx:<function>`
count, added later): those 1,602 were group members, not transactions: the marks of the
four mails in flight already share one group commit (about 4 members a group, 513
groups a run), so batching the marks by hand would save no COMMIT. Tried anyway (the
marks of the mails accepted meanwhile written back to back in one transaction, so the
lock is not handed from member to member through the scheduler's busy loop) and not
kept: serve p99 at 200/s, alternating with it in the same minutes (load 1.2-1.8), 14.4 /
18.8 / 23.4 ms without, 17.7 / 24.8 / 22.8 ms with; the scheduler's lock hold per run
1.3-2.0 s either way.

End of that session (scheduler at nice 10, the invite's shared lines cached, the event
page's form cached, serve's start-up heap frozen), `--rate 200 --modes bare,web,serve`,
seven runs, load 0.7-1.5: bare p99 2.5-3.4 ms; web 13.6 / 21.4 / 15.7 / 21.2 / 13.8 /
17.5 / 23.9 ms; serve 17.9 / 21.4 / 25.6 / 23.0 / 20.0 / 24.6 / 23.9 ms; zero errors,
every confirmation sent 0.3 s after the rush. Web alone with BENCH_PROBE at 200/s: loop
lag p99 1.0 ms, no full GC after start-up, write-lock hold p50 1.3 p99 5.3 ms, BEGIN
p99 3.6 ms: the tail is the sign-ups queueing for the one writer (each group's members
handed the lock through the event loop), not pauses. Closed loop (load 1.2): bare 4,963,
web 792 (0.16x), serve 789/s (1.0x of web), last confirmation 10.7 s after the rush.

The scheduler child at nice 10 (scheduler/process.py, "Priority"), alternating with the
code before it in the same minutes, busy host (load 1.8-3.0), `--rate 200 --modes serve`:

    nice 0 (before)   p50 30.1 / 35.5 / 19.2   p99 120.7 / 131.9 / 87.5 ms
    nice 10 (after)   p50 11.0 /  8.7 / 13.0   p99  60.4 /  38.5 / 41.6 ms

and closed loop (`--modes serve`, load 2.0-2.7): 455 / 554 req/s (p99 315 / 203 ms), last
confirmation 12.1 / 14.6 s after the rush, before; 715 / 690 req/s (p99 148 / 155 ms),
23.5 / 19.5 s after the rush, after: the web process answers more, and the mail, more of
it, catches up after the rush, still within the issue's 30 s. nice 5 measured the same as
nice 10 within the noise (two runs each).

Next session (2026-11-30, evening). First a correction: until 9671ab8 the probe
(BENCH_PROBE) imported `webinar` during site start-up, before the working directory was
on sys.path, so a run from an older tree's copy measured the venv's (main's) code; runs
without the probe were not affected. With the probe fixed and its new `request` and
`svc:` series, web alone at 200/s: a sign-up's handler took p50 3.8-4.4, p99 13.5-19.3 ms,
of which reading the event by its slug (one indexed row, through aiosqlite's thread)
p50 0.44-0.48, p99 3.6-3.9 ms: the wait for the hand-off, not the read. One-row reads on
a read-only connection of the loop's own (058c8a3): that read p50 0.16, p99 0.5 ms.
Alternating with the code before it, `--rate 200 --modes web` (load 0.7-1.0): before
22.4 / 23.1 / 19.1 ms p99, after 18.4 / 15.8 / 15.9 ms (p50 5.4-6.4 -> 5.2-5.4); the
form at 200 requests/s (`registration_form.py --rate 200 --gzip`): web 24.6 / 24.2 ->
17.6 / 25.9, serve 31.4 / 29.2 -> 20.6 / 26.4 ms. Closed loop, same: 852 / 750 before,
773 / 937 after. The host was noisier than the session before (bare p99 3.5-4.7 ms):
four runs of `--rate 200 --modes bare,web,serve` on the new code gave web 23.5 / 17.0 /
23.1 / 22.9, serve 27.5 / 24.2 / 30.1 / 36.9 ms.

In serve at 200/s (probe): the two processes take turns at SQLite's write lock, 1,050
groups of the web process and 1,434 of the scheduler (one per mail's "sent" mark,
mostly) a run; each waits for the other in BEGIN (web p50 1.1, p99 10.7 ms; scheduler
p50 1.6, p99 12.7 ms), and the sign-ups queued behind a waiting BEGIN wait as long
(lock wait p99 10.8 ms): that, not the web process's own work, is serve's extra tail.

Tried and not kept: the whole write transaction on the loop's thread (BEGIN IMMEDIATE
when the lock is free, COMMIT of a group of one-row statements, the group ended one loop
turn after its member so that the sign-ups ready in that turn share its COMMIT). Inside
the web process it halved the tail (handler p99 13.5-15.7 -> 6.9-7.1 ms at 200/s,
register p50 2.3-2.5 -> 1.4 ms), but seen from outside, alternating (load 0.7-1.1): web
p99 11.9 / 12.4 ms against 12.2 / 15.5 with the loop reader alone; serve 23.0 / 25.4
against 17.1 / 21.0; and closed loop its p99 went from 75-84 to 280-420 ms (the loop's
turns grew to 27 ms, every request waiting several of them), throughput 894 / 649 / 703
/ 564 against 740-852.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

SCRIPT = """
local n = 0
local prefix = %(prefix)s
local sectors = {"academic", "cooperation", "public", "private"}
local path = "/api/v1/events/%(slug)s/registrations"
local headers = {["Content-Type"] = "application/json"}
request = function()
  n = n + 1
  local body = string.format('{"name": "Persona %%d", "email": "%%s%%d@example.org",'
    .. ' "organization": "Universidad", "position": "Docente", "sector": "%%s",'
    .. ' "country": "GT", "language": "es", "consent": true}',
    n, prefix, n, sectors[n %% 4 + 1])
  return wrk.format("POST", path, headers, body)
end
"""


def script(name: str, port: int) -> str:
    prefix = f"{name}-{secrets.token_hex(4)}-"
    return SCRIPT % {"prefix": harness.lua_string(prefix), "slug": harness.SLUG}


def build(name: str, port: int) -> Callable[[int], bytes]:
    """The paced run's requests (bench/openloop.py): request n registers a distinct email."""
    import openloop

    prefix = f"{name}-{secrets.token_hex(4)}-"
    path = f"/api/v1/events/{harness.SLUG}/registrations"

    def request(n: int) -> bytes:
        body = json.dumps({
            "name": f"Persona {n}", "email": f"{prefix}{n}@example.org",
            "organization": "Universidad", "position": "Docente",
            "sector": harness.SECTORS[n % 4], "country": "GT", "language": "es",
            "consent": True}).encode()
        return openloop.http_request("POST", path, body=body,
                                     headers={"Content-Type": "application/json"})
    return request


def confirmations_sent(mode: str, data: harness.DataDir | None) -> None:
    """After the rush, wait for serve's scheduler to send every confirmation."""
    if mode != "serve" or data is None:
        return
    began = time.monotonic()
    wanted = sent = 0
    while time.monotonic() - began < 120:
        # Counted again each time: the requests in flight when the load generator stopped
        # (one per connection) may commit a moment later.
        wanted = data.count("SELECT COUNT(*) FROM registrations")
        sent = data.count("SELECT COUNT(*) FROM deliveries WHERE kind = 'confirmation'"
                          " AND status = 'sent'")
        if sent >= wanted:
            break
        time.sleep(0.25)
    print(f"serve: {sent} of {wanted} confirmations sent {time.monotonic() - began:.1f} s"
          " after the rush", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--modes", default=",".join(harness.MODES))
    parser.add_argument("--rate", type=float, default=None,
                        help="paced: requests/s offered in total (bench/openloop.py)")
    args = parser.parse_args()
    modes = args.modes.split(",")
    with tempfile.TemporaryDirectory(prefix="bench-reg-") as tmp:
        results = harness.run_modes(
            modes, lambda m: None if m == "bare" else harness.make_data_dir(Path(tmp), m),
            script, duration=args.duration, warmup=args.warmup,
            connections=args.connections, after=confirmations_sent, rate=args.rate,
            build_for=build, expect=frozenset({201}))
    bare = next((r for r in results if r.name == "bare"), results[0])
    harness.print_table("public API registration (POST /api/v1/events/{slug}/registrations)",
                        results, bare)
    return 0 if all(r.errors == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
