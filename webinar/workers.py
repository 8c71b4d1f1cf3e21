"""`webinar serve --workers N`: N web processes behind one port.

Choice: aiohttp's own `reuse_port` rather than gunicorn's aiohttp worker. Each worker
runs the same `web.run_app` as a single `webinar serve`, on a listening socket opened
with SO_REUSEPORT, and the kernel spreads new connections over them; nothing is added
to the dependencies, the start-up (migrate, secret key, `--demo`) stays this project's
own code, and the command is the same on a laptop and in the Procfile. gunicorn would
bring a second configuration language and its own worker life cycle for what a
40-line supervisor does here. (Linux and the BSDs have SO_REUSEPORT; on a platform
without it run one process per port behind a proxy.)

The parent (the supervisor) migrates the database and makes the secret key once, before
any worker starts (on SQLite too; on PostgreSQL `migrate` also holds an advisory lock,
so parents on several hosts starting together are safe), then forks the workers. It
serves nothing itself. A worker that dies (a crash, an OOM kill) is started again after
a second. SIGTERM or SIGINT to the parent: each worker gets SIGTERM and shuts down as
aiohttp does (stops accepting, finishes the requests under way within
webinar.web.shutdown.GRACE_SECONDS and cuts those whose body is still arriving, closes
its store and stops its scheduler), the parent waits up to `STOP_SECONDS`, kills what is left and
exits 0.

The scheduler: only worker 0 starts it, as its child process (unless `--no-scheduler`;
see scheduler/process.py): one scheduler per `serve`, not N. Worker 0's commits nudge it;
the other workers' mail waits at most WEBINAR_POLL_SECONDS. Several schedulers are safe
(mail is claimed with FOR UPDATE SKIP LOCKED on PostgreSQL), so several hosts each
running `serve --workers N` are fine; a deployment that wants them apart runs
`serve --no-scheduler` and M `webinar scheduler` processes (the Procfile)."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import time
from collections.abc import Callable
from multiprocessing.process import BaseProcess
from types import FrameType

from aiohttp import web

log = logging.getLogger(__name__)

STOP_SECONDS = 30.0
RESTART_DELAY = 1.0
# A worker that dies this soon after starting, this many times in a row, is a
# configuration problem (port taken, database refused), not a crash: give up, exit 1.
EARLY_DEATH_SECONDS = 10.0
EARLY_DEATHS = 5


def supervise(count: int, run_worker: Callable[[int], None]) -> int:
    """Fork `count` workers, each calling `run_worker(index)`; keep them running until
    SIGTERM/SIGINT, then stop them. The exit status for the parent (0 after a stop)."""
    ctx = multiprocessing.get_context("fork")
    stopping = False

    def on_signal(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}

    started: dict[int, float] = {}

    def start(index: int) -> BaseProcess:
        proc = ctx.Process(target=_worker_main, args=(run_worker, index, previous),
                           name=f"webinar-web-{index}", daemon=False)
        proc.start()
        started[index] = time.monotonic()
        print(f"worker {index} pid {proc.pid}", flush=True)
        return proc

    workers = {index: start(index) for index in range(count)}
    early = 0
    try:
        while not stopping:
            sentinels = [p.sentinel for p in workers.values()]
            multiprocessing.connection.wait(sentinels, timeout=0.5)
            for index, proc in list(workers.items()):
                if proc.is_alive() or stopping:
                    continue
                lived = time.monotonic() - started[index]
                early = early + 1 if lived < EARLY_DEATH_SECONDS else 0
                if early >= EARLY_DEATHS:
                    log.error("web workers keep exiting at start (last status %s); stopping",
                              proc.exitcode)
                    return 1
                log.warning("web worker %d (pid %s) exited with %s; starting it again",
                            index, proc.pid, proc.exitcode)
                time.sleep(RESTART_DELAY)
                if not stopping:
                    workers[index] = start(index)
    finally:
        _stop(list(workers.values()))
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def stop_once(app: web.Application) -> None:
    """Make a repeated SIGTERM/SIGINT harmless while the app shuts down. aiohttp's handler
    raises GracefulExit on every signal until its cleanup ends; a second one (systemd
    signals the whole control group and the supervisor forwards its own; honcho may send
    it twice) then lands inside the shutdown and cuts it: requests under way answer 500,
    the store is not closed, worker 0's scheduler process is not stopped. Once started,
    the shutdown is left to finish (the supervisor kills what outlasts STOP_SECONDS)."""
    async def install(app: web.Application) -> None:
        loop = asyncio.get_running_loop()
        stopping = False

        def on_signal() -> None:
            nonlocal stopping
            if stopping:
                log.info("already stopping; signal ignored")
                return
            stopping = True
            raise web.GracefulExit()

        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, on_signal)  # in place of aiohttp's (same keys)

    app.on_startup.append(install)


def _worker_main(run_worker: Callable[[int], None], index: int,
                 handlers: dict[int, object]) -> None:
    # The parent's flag-setting handlers are not the worker's: aiohttp installs its own.
    for sig, handler in handlers.items():
        signal.signal(sig, handler)  # type: ignore[arg-type]
    run_worker(index)


def _stop(workers: list[BaseProcess]) -> None:
    for proc in workers:
        if proc.is_alive() and proc.pid is not None:
            os.kill(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS
    for proc in workers:
        proc.join(max(0.0, deadline - time.monotonic()))
        if proc.is_alive():
            log.warning("web worker pid %s did not stop in time; killing it", proc.pid)
            proc.kill()
            proc.join()
