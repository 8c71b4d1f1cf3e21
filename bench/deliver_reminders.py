"""Benchmark: deliver N reminders (10,000 by default) to a local SMTP server.

    cd /work/main && .venv/bin/python bench/deliver_reminders.py [--count N]
        [--connections C] [--batch B] [--smtp-delay MS] [--profile FILE]

What it measures, and how it is set up:

* The SMTP server is aiosmtpd in a *separate process* (multiprocessing, spawn), with a
  handler that only counts messages. On a 2-core machine this keeps the server's parsing
  off the measured process, the way a real relay is another machine; the count is read
  back through a shared integer.
* A temp data dir and Settings(WEBINAR_SMTP_URL=smtp://127.0.0.1:PORT,
  smtp_connections=--connections, delivery_batch=--batch, rate_limit off), opened with
  `open_resources(settings, FakeClock)`.
* One published event starting two days ahead with a single reminder offset ("1h").
* N confirmed registrations written with the real data layer in one transaction
  (`store.registrations.insert` + `outbox.append(registration.created)`, exactly what
  `registration.register` writes, without one transaction per person).
* The real planner `mail.planner.plan_from_log` plans one confirmation and one reminder per
  registration. The confirmations are then set to 'sent' by SQL so that only reminders
  are measured, and the FakeClock is moved to one minute after the reminders' due time.
* Measured: `Runner(res).run_once()` (the scheduler's whole pass: plan, claim in batches,
  render, send, mark sent), repeated until no reminder is left pending/sending. Then it
  checks that every reminder is 'sent' and that the SMTP server received exactly N.

Prints one line, e.g. `10000 reminders delivered in 12.3 s (813/s), smtp connections=8,
batch=500`. With --profile FILE the measured part runs under cProfile and the 25 most
expensive functions (cumulative) are printed to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import multiprocessing as mp
import pstats
import secrets
import socket
import sqlite3
import sys
import tempfile
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
STARTS = NOW + timedelta(days=2)


# --- the SMTP server, in its own process --------------------------------------------------

def _smtp_server(port: int, counter, ready, delay_ms: float) -> None:
    """Runs in the child process: aiosmtpd on loopback, counting accepted messages."""
    from aiosmtpd.controller import Controller

    class Counting:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            if delay_ms:
                await asyncio.sleep(delay_ms / 1000)
            with counter.get_lock():
                counter.value += 1
            return "250 OK"

    controller = Controller(Counting(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- setup ---------------------------------------------------------------------------------

async def _setup(res, count: int) -> None:
    from webinar.clock import to_db
    from webinar.events import service as events
    from webinar.events.fields import EventFields
    from webinar.links import mail_domain
    from webinar.mail.planner import plan_from_log
    from webinar.outbox import log as outbox
    from webinar.registrations.model import new_token

    fields = EventFields.model_validate({
        "slug": "bench-forum", "title": "Benchmark forum", "description": "Reminders only.",
        "starts_at": STARTS.isoformat(), "ends_at": (STARTS + timedelta(hours=2)).isoformat(),
        "timezone": "America/Guatemala", "join_url": "https://zoom.example.org/j/1",
        "capacity": None, "reminders": ["1h"], "organizer_emails": ["org@example.org"],
        "status": "published",
    })
    event = await events.create(res.store, res.now(), fields, None)
    stamp = to_db(res.now())
    async with res.store.transaction() as tx:
        for n in range(count):
            values = {"email": f"persona{n}@example.org", "name": f"Persona {n}",
                      "organization": "Universidad", "position": "Docente",
                      "sector": "academic", "country": "GT",
                      "language": "es" if n % 2 else "en"}
            row = await tx.registrations.insert(event.id, new_token(), new_token(), values,
                                                   "confirmed", stamp)
            await outbox.append(tx, outbox.REGISTRATION_CREATED, at=res.now(),
                                  event_id=event.id, registration_id=row["id"],
                                  payload={"status": "confirmed", "reactivated": False})
    while await plan_from_log(res.store, res.now(), mail_domain(res.settings), batch=5000):
        pass
    _raw(res, "UPDATE deliveries SET status = 'sent', sent_at = ? WHERE kind = 'confirmation'",
         (stamp,))
    counts = await _counts(res)
    if counts.get(("reminder", "pending")) != count:
        raise SystemExit(f"setup failed: planned {counts}")
    # One minute after the reminders are due.
    res.clock.set(STARTS - timedelta(hours=1) + timedelta(minutes=1))


def _raw(res, query: str, params: tuple = ()) -> list[dict]:
    """Raw SQL on the benchmark's SQLite file (set-up and counting, outside the store)."""
    with closing(sqlite3.connect(res.settings.db_path)) as conn:
        conn.row_factory = sqlite3.Row
        rows = [dict(r) for r in conn.execute(query, params)]
        conn.commit()
        return rows


async def _counts(res) -> dict[tuple[str, str], int]:
    rows = _raw(res, "SELECT kind, status, COUNT(*) AS n FROM deliveries GROUP BY kind, status")
    return {(r["kind"], r["status"]): r["n"] for r in rows}


async def _deliver_all(res) -> int:
    from scheduler.runner import Runner

    runner, passes = Runner(res), 0
    while True:
        await runner.run_once()
        passes += 1
        left = _raw(res, "SELECT COUNT(*) AS n FROM deliveries WHERE kind = 'reminder'"
                         " AND status IN ('pending', 'sending')")[0]["n"]
        if not left or passes > 50:
            return passes


async def main_async(args) -> int:
    from webinar.clock import FakeClock
    from webinar.runtime import open_resources
    from webinar.settings import Settings

    ctx = mp.get_context("spawn")
    counter, ready = ctx.Value("q", 0), ctx.Event()
    port = _free_port()
    server = ctx.Process(target=_smtp_server, args=(port, counter, ready, args.smtp_delay),
                         daemon=True)
    server.start()
    try:
        if not ready.wait(30):
            raise SystemExit("the SMTP server did not start")
        with tempfile.TemporaryDirectory(prefix="bench-reminders-") as tmp:
            settings = Settings(
                data_dir=Path(tmp), secret_key=secrets.token_urlsafe(32), base_url="https://foros.example.org",
                smtp_url=f"smtp://127.0.0.1:{port}", mail_from="Foros <foros@example.org>",
                rate_limit="0", smtp_connections=args.connections,
                delivery_batch=args.batch)
            async with open_resources(settings, FakeClock(NOW)) as res:
                t0 = time.perf_counter()
                await _setup(res, args.count)
                setup_s = time.perf_counter() - t0
                profiler = cProfile.Profile() if args.profile else None
                start, cpu_start = time.perf_counter(), time.process_time()
                if profiler:
                    profiler.enable()
                passes = await _deliver_all(res)
                if profiler:
                    profiler.disable()
                elapsed = time.perf_counter() - start
                cpu = time.process_time() - cpu_start
                load = Path("/proc/loadavg").read_text().split()[0]  # noqa: ASYNC240 - /proc, instant
                counts = await _counts(res)
            # The relay may still be finishing its last replies; wait for its count.
            deadline = time.monotonic() + 10
            while counter.value < args.count and time.monotonic() < deadline:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
            received = counter.value
    finally:
        server.kill()
        server.join(5)

    sent = counts.get(("reminder", "sent"), 0)
    rate = sent / elapsed if elapsed else 0.0
    print(f"{sent} reminders delivered in {elapsed:.1f} s ({rate:.0f}/s), "
          f"smtp connections={args.connections}, batch={args.batch}; this process's CPU"
          f" {cpu:.1f} s; load average {load}",
          flush=True)
    print(f"  (setup {setup_s:.1f} s, {passes} scheduler pass(es), smtp server received "
          f"{received}, deliveries by kind/status {dict(sorted(counts.items()))})",
          file=sys.stderr)
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        print(out.getvalue(), file=sys.stderr)
        profiler.dump_stats(args.profile)
    ok = sent == args.count and received == args.count
    if not ok:
        print(f"FAILED: {sent} marked sent, {received} received, expected {args.count}",
              file=sys.stderr)
    return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--smtp-delay", type=float, default=0.0, metavar="MS",
                        help="milliseconds the SMTP server waits before its 250 (default 0)")
    parser.add_argument("--profile", metavar="FILE",
                        help="run the measured part under cProfile and save the stats")
    args = parser.parse_args()
    sys.exit(asyncio.run(main_async(args)))


if __name__ == "__main__":
    main()
