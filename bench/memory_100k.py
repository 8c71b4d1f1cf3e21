"""Benchmark: the service's memory (RSS) while 100,000 people register, and after.

    .venv/bin/python bench/memory_100k.py [--registrations 100000] [--mode serve|web]
        [--connections 50]

A fresh data dir with one open event of unlimited capacity (bench/harness.py); the app as
`webinar serve` (scheduler embedded: every confirmation is composed and written as a .eml
file in the data dir, as on the embedded default) or `--mode web` (the Procfile's web
process alone). wrk (1 thread, `--connections`) posts distinct registrations through the
public API, 30 seconds at a time (the last steps shorter: as long as the remaining count
needs at the rate seen), until the database holds `--registrations`; every
second the resident memory of the server's whole process tree (the web process and any
child it started) is read from /proc. Then a few reads an organizer makes at that size
(the event page, the front page) and a wait for the last confirmation to be sent. Prints the RSS
at start, its peak, at the end, and each process's own. Needs `wrk`.

Run of 2026-11-30 (load 0.9-1.5), `--mode serve`: 100,451 registrations, RSS 142 MB
when the last step ended, peak 145 MB while the confirmations were sent (all 100,501,
92 s after the rush), 144 MB at the end: web 80 MB, scheduler 64 MB. (With 30 s steps
to the end, the same code had reached 118,175 registrations and peaked at 152 MB.)
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
import registration_api  # noqa: E402


def listener_pid(port: int) -> int:
    """The pid of the process listening on the port (ss's answer)."""
    out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True,
                         text=True, check=True).stdout
    match = re.search(r"pid=(\d+)", out)
    if match is None:
        raise SystemExit(f"no process found listening on {port}: {out!r}")
    return int(match.group(1))


def tree(pid: int) -> list[int]:
    """The pid and its descendants (from /proc/<pid>/task/*/children)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
    return found


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--registrations", type=int, default=100_000)
    parser.add_argument("--mode", choices=("serve", "web"), default="serve")
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        data = harness.make_data_dir(Path(tmp), args.mode)
        with harness.server(args.mode, data) as port:
            root = listener_pid(port)
            samples: list[float] = []
            stop = threading.Event()

            def sample() -> None:
                while not stop.is_set():
                    samples.append(sum(rss_mb(p) for p in tree(root)))
                    stop.wait(1.0)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            time.sleep(1.5)
            start_rss = samples[0]
            began = time.monotonic()
            count, seconds = 0, 30.0
            while count < args.registrations:
                result = harness.wrk(port, registration_api.script(f"m{count}", port),
                                     duration=seconds, connections=args.connections)
                count = data.count("SELECT COUNT(*) FROM registrations")
                print(f"  {count:,} registrations after {time.monotonic() - began:.0f} s,"
                      f" {result.rate:,.0f}/s, errors {result.errors},"
                      f" RSS {samples[-1]:.0f} MB", flush=True)
                # The last steps only as long as the rest needs at the rate seen: the
                # figure is the memory at the count asked for, not a step's overshoot.
                seconds = min(30.0, (args.registrations - count) / max(result.rate, 1.0))
            for path in ("/events/bench", "/", "/healthz"):
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as resp:
                    resp.read()
            if args.mode == "serve":
                registration_api.confirmations_sent("serve", data)
            time.sleep(2)
            stop.set()
            sampler.join()
            each = {pid: rss_mb(pid) for pid in tree(root)}
            print(f"\n{args.mode}: {count:,} registrations; RSS at start {start_rss:.0f} MB,"
                  f" peak {max(samples):.0f} MB, at the end {samples[-1]:.0f} MB"
                  f" (load {open('/proc/loadavg').read().split()[0]})")
            for pid, mb in each.items():
                print(f"  pid {pid}{' (web)' if pid == root else ''}: {mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
