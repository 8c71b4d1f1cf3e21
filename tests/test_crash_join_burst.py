"""Batched join visits keep their promise through a SIGKILL, with two server processes on
one SQLite file.

Join clicks are gathered into shared reads and shared write transactions (the stores'
`add_join_visit`, webinar/store/batching.py). Here 40 clients (each its own connection)
click distinct join links without pause, alternately on two `webinar serve` processes
sharing one database, and both are SIGKILLed together the moment the 200th 303 arrives,
with clicks still in flight. Every click answered 303 must have its visit and its
attendance.joined entry in the database: fails if a batch answers before its COMMIT.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import aiohttp

from tests.serving import (
    DEADLINE,
    assert_visits_recorded,
    join_tokens,
    token_and_event,
    two_web_services,
)

CLIENTS = 40
ANSWERS = 200


class Both:
    """Kills both servers at once (what `load_until`-style loops call)."""

    def __init__(self, *services):
        self.services = services

    def kill(self) -> None:
        for svc in self.services:
            svc.kill()


async def test_join_burst_on_two_processes_survives_sigkill(tmp_path):
    first, second = two_web_services(tmp_path)
    http = aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=DEADLINE),
        connector=aiohttp.TCPConnector(limit=CLIENTS * 2, limit_per_host=CLIENTS))
    try:
        slug = "burst-join"
        starts = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=2)
        await token_and_event(first, http, slug, starts_at=starts.isoformat(),
                              ends_at=(starts + timedelta(hours=2)).isoformat(),
                              reminders=[])
        await second.start(http)
        tokens = iter(await join_tokens(first, http, slug, 600, "burst", CLIENTS))
        acked: list[str] = []
        done = asyncio.Event()
        both = Both(first, second)

        async def worker(n: int) -> None:
            svc = (first, second)[n % 2]
            for token in tokens:
                if done.is_set():
                    return
                try:
                    async with http.get(f"{svc.base}/j/{token}",
                                        allow_redirects=False) as resp:
                        await resp.read()
                        status = resp.status
                except (TimeoutError, aiohttp.ClientError):
                    if done.is_set():
                        return
                    raise
                assert status == 303 or done.is_set(), status
                if status == 303 and not done.is_set():
                    acked.append(token)
                    if len(acked) >= ANSWERS:
                        both.kill()
                        done.set()
                        return

        async with asyncio.timeout(DEADLINE):
            await asyncio.gather(*(worker(n) for n in range(CLIENTS)))
        for svc in (first, second):
            assert svc.proc is not None
            await svc.proc.wait()
        assert len(acked) >= ANSWERS
        assert_visits_recorded(first, acked)
    finally:
        for svc in (first, second):
            await svc.stop()
        await http.close()
