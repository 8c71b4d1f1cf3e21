"""The scheduler in a process of its own, started and stopped by `webinar serve`.

Why: composing and sending mail is CPU work (templates, MIME, SMTP); on the web process's
event loop (and under its GIL) it halved the registration rate of a rush. In a child
process it runs on another core, and the web process only writes a byte per nudge.

How, for one `serve` (with `--workers N`, worker 0 starts it: one scheduler per serve):

* The child is a fresh interpreter (`python -c`, the same executable), not a fork: the web
  process has a running event loop, database threads and open connections that a fork
  would copy, and a forked child would also hold the listening socket. It gets the web
  process's Settings, pickled through its standard input (so the same database, mail
  relay and base URL, and no secret in argv or the environment), and opens its own
  resources. (Not multiprocessing: its spawn start method adds a resource-tracker
  process that outlives serve for a moment.)
* Nudges: a one-way pipe. `Resources.nudge` in the web process writes one byte, without
  blocking (a full pipe already means "wake up"); the child watches the read end with
  `loop.add_reader`, drains all that is there and nudges its Runner once, which coalesces
  further nudges into one more pass. The child also polls every WEBINAR_POLL_SECONDS, as
  `webinar scheduler` does: the nudge only makes mail leave sooner.
* Stop: SIGTERM (or SIGINT, e.g. Ctrl-C) to serve stops the web app, which sends SIGTERM
  to the child; the child lets the pass under way go on for its grace (Runner.stop),
  closes its resources and exits 0, even if the web process exits meanwhile; after
  STOP_SECONDS the web process kills it. The child ignores SIGINT itself: a Ctrl-C
  reaches the whole process group, and only its parent decides when it stops.
* Death of the web process: on Linux the child asks the kernel (PR_SET_PDEATHSIG) for
  SIGKILL when its parent dies, so a SIGKILLed or crashed serve takes its scheduler with
  it at once, as the embedded one did (the delivery leases hand its claimed mail to the
  next scheduler). Elsewhere it sees end-of-file on the nudge pipe and stops.
* Priority: the child lowers its own CPU priority (SCHEDULER_NICE). On a busy machine
  the web process's answers come first and mail waits a moment, which is the order a
  person filling in the form notices: during a paced rush of 200 registrations a second
  on two shared cores, serve's p99 went from 88-132 ms to 38-60 ms (bench/registration_api.py),
  and every confirmation still left within a second of the rush. An idle core runs the
  child at full speed all the same; only a raise of priority would need privileges.
* Crash of the child: logged with its exit status, and the child is started again after
  RESTART_DELAY: the web app keeps taking registrations (their mail waits in the database)
  and the crash may be a one-off. A child that dies within EARLY_DEATH_SECONDS of its
  start EARLY_DEATHS times in a row will not get better (a configuration problem): then
  serve stops and exits with status 1, so that the service manager reports it, rather
  than run on without mail.

Mail is sent exactly once as before: deliveries are claimed with leases, and two
schedulers (for a moment, a dying child and its successor) are safe.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import signal
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from webinar.runtime import Resources
from webinar.settings import Settings

log = logging.getLogger(__name__)

STOP_SECONDS = 30.0
RESTART_DELAY = 1.0
EARLY_DEATH_SECONDS = 10.0
EARLY_DEATHS = 5
SCHEDULER_NICE = 10  # added to the child's niceness: see "Priority" above
_PR_SET_PDEATHSIG = 1
# The child: the same interpreter and import path (the working directory is inherited).
_CHILD = "from scheduler.process import child_main; child_main()"


class SchedulerProcess:
    """The `background` of the web app for `webinar serve`: a scheduler child process for
    as long as the app lives. `gave_up` is true after the child kept dying at start (the
    caller then exits non-zero)."""

    def __init__(self) -> None:
        self.gave_up = False

    @asynccontextmanager
    async def __call__(self, res: Resources) -> AsyncIterator[None]:
        rfd, wfd = os.pipe()  # the parent keeps the read end too: for the next child
        os.set_blocking(wfd, False)
        settings = pickle.dumps(res.settings)  # through a pipe, not argv or environ

        def nudge() -> None:
            try:
                os.write(wfd, b"\0")
            except BlockingIOError:
                pass  # the pipe is full: the child has wake-ups enough waiting

        async def start() -> tuple[asyncio.subprocess.Process, float]:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-c", _CHILD, str(rfd), str(os.getpid()),
                stdin=asyncio.subprocess.PIPE, pass_fds=(rfd,))
            assert proc.stdin is not None
            proc.stdin.write(settings)
            proc.stdin.close()
            log.info("scheduler process pid %s started", proc.pid)
            return proc, time.monotonic()

        proc, started = await start()

        async def watch() -> None:
            nonlocal proc, started
            early = 0
            while True:
                status = await proc.wait()
                lived = time.monotonic() - started
                early = early + 1 if lived < EARLY_DEATH_SECONDS else 0
                if early >= EARLY_DEATHS:
                    log.error("the scheduler process keeps exiting at start (last status"
                              " %s); stopping", status)
                    self.gave_up = True
                    signal.raise_signal(signal.SIGTERM)  # the web app's graceful stop
                    return
                log.error("the scheduler process (pid %s) exited with status %s; starting"
                          " it again", proc.pid, status)
                await asyncio.sleep(RESTART_DELAY)
                proc, started = await start()

        watcher = asyncio.create_task(watch())
        res.nudge = nudge
        try:
            yield
        finally:
            res.nudge = _no_nudge
            watcher.cancel()
            # First the signal, then the waits: if this stop is itself cut short (a
            # second SIGTERM, as `serve --workers` sends after a Ctrl-C to the group),
            # the child stops cleanly on its own.
            _terminate(proc)
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
            await _stop(proc)
            os.close(rfd)
            os.close(wfd)


def _no_nudge() -> None:
    pass


def _terminate(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)


async def _stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        _terminate(proc)
        try:
            await asyncio.wait_for(proc.wait(), STOP_SECONDS)
        except TimeoutError:
            log.warning("the scheduler process pid %s did not stop in time; killing it",
                        proc.pid)
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
    status = await proc.wait()
    if status not in (0, -signal.SIGTERM):  # -SIGTERM: stopped before its handler was set
        log.warning("the scheduler process pid %s stopped with status %s", proc.pid, status)
    else:
        log.info("scheduler process pid %s stopped", proc.pid)


def child_main() -> None:
    """The child's entry point (`python -c`, argv: the nudge pipe's fd and the parent's
    pid; the pickled Settings on standard input): run the scheduler until SIGTERM or
    until the web process is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    fd, parent = int(sys.argv[1]), int(sys.argv[2])
    _die_with(parent)
    os.nice(SCHEDULER_NICE)
    settings = pickle.load(sys.stdin.buffer)  # noqa: S301 - from our parent, via a pipe
    from webinar.cli import configure_logging

    configure_logging()
    try:
        asyncio.run(_run(settings, fd))
    except Exception:
        log.exception("the scheduler process failed")
        sys.exit(1)


def _die_with(parent: int) -> None:
    """SIGKILL for this process when its parent dies (Linux); exit now if it already has."""
    _parent_death_signal(signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(0)


def _parent_death_signal(signum: int) -> None:
    """The signal this process gets when its parent dies (0: none), on Linux."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0)


async def _run(settings: Settings, fd: int) -> None:
    from scheduler.runner import Runner
    from webinar.runtime import open_resources

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    def on_sigterm() -> None:
        # Asked to stop: finish cleanly even if the web process exits meanwhile.
        _parent_death_signal(0)
        stop.set()

    loop.add_signal_handler(signal.SIGTERM, on_sigterm)
    async with open_resources(settings) as res:
        runner = Runner(res)

        def readable() -> None:
            try:
                data = os.read(fd, 65536)
            except BlockingIOError:
                return
            if data:
                runner.nudge()
            else:  # end of file: the web process is gone
                loop.remove_reader(fd)
                stop.set()

        os.set_blocking(fd, False)
        loop.add_reader(fd, readable)
        await runner.start()
        try:
            await stop.wait()
        finally:
            loop.remove_reader(fd)
            await runner.stop()
