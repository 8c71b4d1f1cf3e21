"""The scheduler's jobs: in `webinar serve`'s child process (scheduler/process.py), in
`webinar scheduler`, or embedded in the web app's process (`embedded`, for tests)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from webinar.links import mail_domain
from webinar.mail.delivery import RunStats, deliver_due
from webinar.mail.planner import PLAN_BATCH, plan_from_log
from webinar.runtime import Resources
from webinar.store.interface import SharedLimits
from webinar.wrapup import service as wrapup

log = logging.getLogger(__name__)

STOP_GRACE = 5.0  # seconds a pass under way may go on after stop() before it is cut


class Runner:
    """One `pump` job: plan mail from new log entries, then deliver all that is due.

    It runs every `poll_seconds`, and at once when the web process nudges it after a
    commit; the nudge only makes mail leave sooner, correctness never depends on it.
    """

    def __init__(self, res: Resources):
        self.res = res
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._running = False
        self._again = False
        self._stopping = False
        self._pass: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.scheduler.add_job(
            self.pump, "interval", seconds=self.res.settings.poll_seconds, id="pump",
            max_instances=2, coalesce=True, next_run_time=datetime.now(UTC),
        )
        self.scheduler.start()

    async def stop(self) -> None:
        """Stop the jobs. A pass under way may go on for STOP_GRACE seconds (the
        scheduler is paused, not shut down, meanwhile: shutting it down cancels the pass
        at once); then it is cancelled here (its claimed mail goes out after the lease,
        from the next pass) and ends quietly: nothing is left for APScheduler or the
        event loop's teardown to cancel, which logged a failed job with a traceback."""
        self._stopping = True
        if self.scheduler.running:
            self.scheduler.pause()  # no new pass; the one under way goes on
        task = self._pass
        try:
            if task is not None and not task.done():
                done, _ = await asyncio.wait({task}, timeout=STOP_GRACE)
                if not done:
                    task.cancel()
                    await asyncio.wait({task})
        except asyncio.CancelledError:  # our own stop is cut short: cut the pass too
            if task is not None:
                task.cancel()
            raise
        finally:
            if self.scheduler.running:
                self.scheduler.shutdown(wait=False)

    def nudge(self) -> None:
        self._again = True
        # A pass under way runs once more (`_again`): no extra wake-up for it, which
        # APScheduler would skip with a warning ("maximum number of running instances").
        if self.scheduler.running and not self._stopping and not self._running:
            try:
                self.scheduler.modify_job("pump", next_run_time=datetime.now(UTC))
            except Exception:  # the job is being replaced or the scheduler stops
                log.debug("nudge ignored", exc_info=True)

    async def pump(self) -> None:
        if self._running:
            self._again = True
            return
        self._running = True
        self._pass = asyncio.current_task()
        try:
            while True:
                self._again = False
                await self.run_once()
                if not self._again or self._stopping:
                    break
        except asyncio.CancelledError:
            if not self._stopping:
                raise
            log.info("scheduler stopped during a pass; the mail it had claimed goes out"
                     " when its lease ends")
        except Exception:
            log.exception("scheduler pass failed; the next pass retries")
        finally:
            self._running = False
            self._pass = None

    async def run_once(self) -> RunStats:
        """Plan everything the log asks for, then deliver until nothing is due."""
        total = RunStats()
        domain = mail_domain(self.res.settings)
        # Plan what the log holds now, then deliver: entries that keep arriving are for the
        # next pass (the nudge asks for it), so a burst of sign-ups cannot starve delivery.
        while await plan_from_log(self.res.store, self.res.now(), domain) == PLAN_BATCH:
            pass
        # Wrap-ups: plan them from the log, then run the steps that are due (they plan
        # their mail in deliveries, sent just below).
        while await wrapup.plan_from_log(self.res.store, self.res.now()) == wrapup.PLAN_BATCH:
            pass
        await wrapup.run_due(self.res.store, self.res.now(), domain)
        if isinstance(self.res.store, SharedLimits):
            # Rate-limit counters (hashed addresses) live no longer than their window.
            await self.res.store.limits.purge(int(self.res.now().timestamp()))
        while True:
            stats = await deliver_due(self.res)
            for name in ("claimed", "sent", "skipped", "retried", "failed"):
                setattr(total, name, getattr(total, name) + getattr(stats, name))
            if stats.claimed < self.res.settings.delivery_batch:
                break
        return total


@asynccontextmanager
async def embedded(res: Resources) -> AsyncIterator[None]:
    """Run the scheduler inside the web process for as long as the app lives; the web
    process nudges it after each commit so confirmations leave within a second. (`webinar
    serve` runs it in a child process instead, off the web app's event loop.)"""
    runner = Runner(res)
    res.nudge = runner.nudge
    await runner.start()
    try:
        yield
    finally:
        await runner.stop()
