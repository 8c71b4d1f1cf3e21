"""`webinar serve` (scheduler not turned off) as a real process on a temp SQLite data dir,
mail to a real SMTP server (aiosmtpd in this process), registrations over HTTP.

* The scheduler runs in a child process of serve, and a registration's confirmation
  arrives within seconds although WEBINAR_POLL_SECONDS is 300: the web process's nudge
  crosses the process boundary.
* The child SIGKILLed: serve logs it and starts another, which sends the next
  confirmation.
* Each child runs at a lower CPU priority than serve (SCHEDULER_NICE).
* SIGTERM while a pass is sending (a slow relay): serve exits 0, the child is gone, and
  nothing is logged as a traceback (tests/test_scheduler_stop.py has the pass that
  outlasts the stop grace).
* serve SIGKILLed: its child dies with it (no orphan sending mail).
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
from aiosmtpd.controller import Controller

from scheduler.process import SCHEDULER_NICE
from tests.conftest import Inbox, event_body, free_port, person
from tests.serving import (
    alive,
    read_log,
    scheduler_pids,
    serve_command,
    start_logged,
    webinar_env,
)
from webinar.events import service as events
from webinar.events.fields import EventFields
from webinar.runtime import open_resources
from webinar.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SLUG = "foro-digital"
DEADLINE = 60.0  # "never", not "slow": every wait polls for its condition


class _SlowRelay:
    """Takes `delay` seconds to accept each message (the scheduler keeps several in flight)."""

    def __init__(self, inbox: Inbox, delay: float):
        self.inbox, self.delay = inbox, delay

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.inbox.raw.append(envelope.content)
        await asyncio.sleep(self.delay)
        return "250 OK"


class Serve:
    def __init__(self, data_dir: Path, smtp_port: int):
        self.data_dir = data_dir
        self.port = free_port()
        self.log = data_dir / "serve.log"
        self.env = webinar_env(data_dir=data_dir, poll_seconds=300, rate_limit=0,
                               smtp_url=f"smtp://127.0.0.1:{smtp_port}",
                               mail_from="Foros <foros@example.org>")
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        settings = Settings(data_dir=self.data_dir, rate_limit="0")
        starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
        async with open_resources(settings) as res:  # migrates; the event to register for
            fields = EventFields.model_validate(event_body(
                starts_at=starts.isoformat(), ends_at=(starts + timedelta(hours=2)).isoformat(),
                reminders=[]))
            await events.create(res.store, res.now(), fields, None)
        self.proc = await start_logged(serve_command(self.port), self.log, env=self.env,
                                       cwd=ROOT, stdin=asyncio.subprocess.DEVNULL)
        await until(lambda: bool(self.children()), "the scheduler process to start", self)

    def text(self) -> str:
        return read_log(self.log)

    def children(self) -> list[int]:
        return scheduler_pids(self.log)

    async def register(self, http: aiohttp.ClientSession, n: int) -> None:
        body = dict(person(n), consent=True)
        url = f"http://127.0.0.1:{self.port}/api/v1/events/{SLUG}/registrations"
        for _ in range(int(DEADLINE / 0.05)):
            try:
                async with http.post(url, json=body) as resp:
                    assert resp.status == 201, await resp.text()
                    return
            except aiohttp.ClientConnectionError:  # not listening yet
                await asyncio.sleep(0.05)
        raise AssertionError(f"serve did not answer:\n{self.text()}")

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()


def niceness(pid: int) -> int:
    return os.getpriority(os.PRIO_PROCESS, pid)


async def until(condition, what: str, serve: Serve, seconds: float = DEADLINE) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        assert serve.proc is None or serve.proc.returncode is None or what.endswith("exit"), (
            f"serve exited while waiting for {what}:\n{serve.text()}")
        assert loop.time() < deadline, f"waited in vain for {what}:\n{serve.text()}"
        await asyncio.sleep(0.05)


async def test_scheduler_child_gets_nudges_is_restarted_and_stops_quietly(tmp_path):
    inbox = Inbox()
    relay_handler = _SlowRelay(inbox, delay=0.0)
    relay = Controller(relay_handler, hostname="127.0.0.1", port=free_port())
    relay.start()
    serve = Serve(tmp_path, relay.port)
    try:
        await serve.start()
        [first] = serve.children()
        assert first != serve.proc.pid and alive(first)
        await until(lambda: niceness(first) == niceness(serve.proc.pid) + SCHEDULER_NICE,
                    "the scheduler process to lower its priority", serve, 10)
        async with aiohttp.ClientSession() as http:
            await serve.register(http, 1)
            # The nudge, not the 300 s poll, sends it.
            await until(lambda: len(inbox.raw) == 1, "the first confirmation", serve, 30)
            os.kill(first, signal.SIGKILL)
            await until(lambda: len(serve.children()) == 2, "a new scheduler process", serve)
            second = serve.children()[1]
            assert alive(second)
            await until(lambda: niceness(second) == niceness(serve.proc.pid) + SCHEDULER_NICE,
                        "the new scheduler process to lower its priority", serve, 10)
            await serve.register(http, 2)
            await until(lambda: len(inbox.raw) == 2, "the second confirmation", serve, 30)
            assert re.search(rf"scheduler process \(pid {first}\) exited with status -9;"
                             " starting it again", serve.text())
            # A slow relay: 20 mails, 4 at a time, 1 s each; SIGTERM comes while they
            # are being sent (the pass may end within the stop grace or be cut).
            relay_handler.delay = 1.0
            await asyncio.gather(*(serve.register(http, n) for n in range(3, 23)))
        await until(lambda: len(inbox.raw) >= 3, "the rush's first confirmation", serve, 30)
        serve.proc.send_signal(signal.SIGTERM)
        assert len(inbox.raw) < 22  # mail still in flight
        code = await asyncio.wait_for(serve.proc.wait(), DEADLINE)
    finally:
        await serve.stop()
        relay.stop()
    text = serve.text()
    assert code == 0, text
    assert not alive(second), text
    assert f"scheduler process pid {second} stopped" in text
    assert "Traceback" not in text and "CancelledError" not in text, text
    recipients = [re.search(rb"^To: .*<(.*)>", raw, re.M).group(1) for raw in inbox.raw]
    assert recipients[:2] == [b"persona1@example.org", b"persona2@example.org"]


async def test_scheduler_child_dies_with_a_killed_serve(tmp_path):
    serve = Serve(tmp_path, free_port())  # no relay needed: nothing is registered
    try:
        await serve.start()
        [child] = serve.children()
        serve.proc.kill()  # a crash of serve itself
        await serve.proc.wait()
        await until(lambda: not alive(child), "the orphan scheduler to exit", serve, 10)
    finally:
        await serve.stop()
