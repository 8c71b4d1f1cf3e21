"""Runner.stop() during a pass that outlasts the stop grace (a slow relay): the pass goes
on sending during the grace (it used to be cancelled at once by APScheduler's shutdown),
then stop() cuts it itself and it ends quietly: no failed job logged with a CancelledError
traceback (as on each SIGTERM to a busy `webinar serve`), nothing left running."""

from __future__ import annotations

import asyncio
import logging

from aiosmtpd.controller import Controller

from scheduler import runner as runner_module
from scheduler.runner import Runner
from tests.conftest import NOW, free_port
from tests.factories import new_event, sign_up
from webinar.clock import FakeClock
from webinar.runtime import open_resources


class _SlowRelay:
    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.received.append(envelope.content)
        await asyncio.sleep(0.5)
        return "250 OK"


async def test_stop_cuts_a_long_pass_itself_and_quietly(settings, monkeypatch, caplog):
    monkeypatch.setattr(runner_module, "STOP_GRACE", 1.6, raising=False)
    relay_handler = _SlowRelay()
    relay = Controller(relay_handler, hostname="127.0.0.1", port=free_port())
    relay.start()
    settings = settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{relay.port}",
                                           "smtp_connections": 1})
    try:
        async with open_resources(settings, FakeClock(NOW)) as res:
            event = await new_event(res.store, reminders=[])
            for n in range(10):  # 10 mails, one at a time, 0.5 s each: a pass of 5 s
                await sign_up(res.store, NOW, event, n)
            runner = Runner(res)
            caplog.set_level(logging.INFO)
            await runner.start()
            for _ in range(400):
                if len(relay_handler.received) >= 2:
                    break
                await asyncio.sleep(0.025)
            assert len(relay_handler.received) >= 2
            at_stop = len(relay_handler.received)
            await asyncio.wait_for(runner.stop(), 5)
            assert not runner._running
            during_grace = len(relay_handler.received) - at_stop
            sent = await res.store.deliveries.summary(event.id)
    finally:
        relay.stop()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "scheduler stopped during a pass" in caplog.text
    assert 2 <= during_grace < 8, during_grace  # ~3 at 0.5 s each in 1.6 s
    assert at_stop <= sent["confirmation"].get("sent", 0) < 10
