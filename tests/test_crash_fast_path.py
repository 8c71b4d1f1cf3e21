"""The fast paths keep their promises through a SIGKILL and across processes.

With group commit in the SQLite store, several requests share one COMMIT; none may be
answered before it. These tests run the real server (`python -m webinar serve`, a
subprocess, mail to .eml files) under concurrent load and check the database with
sqlite3 afterwards:

* test_acknowledged_registrations_survive_sigkill: 30 clients register without pause
  (scheduler embedded, so confirmations are composed meanwhile); the server is SIGKILLed
  the moment the 120th 201 arrives, with requests still in flight. Every registration
  answered 201 is in the database, confirmed, with its registration.created entry.
  Fails if an answer can leave before the group's COMMIT (a member acknowledged when its
  SAVEPOINT is released).
* test_join_visits_answered_303_survive_sigkill: the same for join links of an event
  whose doors are open: every click answered 303 has its visit and its
  attendance.joined entry.
* test_a_burst_over_two_processes_never_exceeds_capacity: two server processes on one
  database file, 160 registrations at once over 80 connections for 7 seats: exactly 7
  confirmed, in the answers and in the database.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import aiohttp

from tests.serving import (
    DEADLINE,
    Service,
    assert_visits_recorded,
    join_tokens,
    sector_registrant,
    token_and_event,
    two_web_services,
    web_service,
)

CLIENTS = 30


async def load_until(count: int, requests, send, svc: Service) -> list:
    """Run `send(item)` from CLIENTS workers over `requests`; SIGKILL the server the
    moment the `count`th acknowledgement (send returns a value, not None) has been read,
    with the other requests still in flight. Returns the acknowledged values. Failures
    after the kill (connection reset) are expected and ignored."""
    acked: list = []
    items = iter(requests)
    done = asyncio.Event()

    async def worker() -> None:
        for item in items:
            if done.is_set():
                return
            try:
                value = await send(item)
            except (TimeoutError, aiohttp.ClientError):
                if done.is_set():
                    return
                raise
            if value is not None and not done.is_set():
                acked.append(value)
                if len(acked) >= count:
                    svc.kill()
                    done.set()
                    return

    async with asyncio.timeout(DEADLINE):
        await asyncio.gather(*(worker() for _ in range(CLIENTS)))
    return acked


async def test_acknowledged_registrations_survive_sigkill(tmp_path):
    svc = web_service(tmp_path)
    http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=DEADLINE))
    try:
        slug = "fast-kill"
        starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
        await token_and_event(svc, http, slug, starts_at=starts.isoformat(),
                              ends_at=(starts + timedelta(hours=2)).isoformat())
        url = f"{svc.base}/api/v1/events/{slug}/registrations"

        async def send(n: int) -> str | None:
            body = sector_registrant(n)
            async with http.post(url, json=body) as resp:
                await resp.read()
                return body["email"] if resp.status == 201 else None

        acked = await load_until(120, range(10_000), send, svc)
        assert svc.proc is not None
        await svc.proc.wait()
        assert len(acked) >= 120
        stored = {row[0]: row[1] for row in svc.query(
            "SELECT email, status FROM registrations")}
        created = {row[0] for row in svc.query(
            "SELECT r.email FROM event_log l JOIN registrations r ON r.id = l.registration_id"
            " WHERE l.type = 'registration.created'")}
        missing = [e for e in acked if e not in stored]
        assert not missing, f"acknowledged but lost: {missing[:5]} ({len(missing)})"
        assert all(stored[e] == "confirmed" for e in acked)
        assert set(acked) <= created
    finally:
        await svc.stop()
        await http.close()


async def test_join_visits_answered_303_survive_sigkill(tmp_path):
    svc = web_service(tmp_path)
    http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=DEADLINE))
    try:
        slug = "fast-join"
        starts = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=2)
        await token_and_event(svc, http, slug, starts_at=starts.isoformat(),
                              ends_at=(starts + timedelta(hours=2)).isoformat(),
                              reminders=[])
        tokens = await join_tokens(svc, http, slug, 400, "join", CLIENTS)

        async def click(token: str) -> str | None:
            async with http.get(f"{svc.base}/j/{token}", allow_redirects=False) as resp:
                await resp.read()
                return token if resp.status == 303 else None

        acked = await load_until(150, tokens, click, svc)
        assert svc.proc is not None
        await svc.proc.wait()
        assert len(acked) >= 120
        assert_visits_recorded(svc, acked)
    finally:
        await svc.stop()
        await http.close()


async def test_a_burst_over_two_processes_never_exceeds_capacity(tmp_path):
    first, second = two_web_services(tmp_path)
    http = aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=DEADLINE),
        connector=aiohttp.TCPConnector(limit=80, limit_per_host=40))
    try:
        slug = "fast-capacity"
        starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
        await token_and_event(first, http, slug, capacity=7, starts_at=starts.isoformat(),
                              ends_at=(starts + timedelta(hours=2)).isoformat())
        await second.start(http)

        async def register(n: int) -> str:
            svc = (first, second)[n % 2]
            async with http.post(f"{svc.base}/api/v1/events/{slug}/registrations",
                                 json=sector_registrant(n, "seat")) as resp:
                assert resp.status == 201, await resp.text()
                return (await resp.json())["status"]

        answers = await asyncio.gather(*(register(n) for n in range(160)))
        assert answers.count("confirmed") == 7
        assert answers.count("waitlisted") == 153
        counts = dict(first.query(
            "SELECT status, COUNT(*) FROM registrations GROUP BY status"))
        assert counts == {"confirmed": 7, "waitlisted": 153}
    finally:
        for svc in (first, second):
            await svc.stop()
        await http.close()
