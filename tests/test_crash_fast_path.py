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
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp

from tests.conftest import event_body, person
from tests.serving import DEADLINE, TOKEN_EMAIL, Service

CLIENTS = 30


def web_service(data_dir: Path, *, db: Path | None = None, secret: str = "") -> Service:
    """A Service (tests/serving.py) writing mail as .eml files, no relay."""
    data_dir.mkdir(parents=True, exist_ok=True)
    svc = Service(data_dir, 0)
    svc.env.pop("WEBINAR_SMTP_URL")
    if db is not None:
        svc.env["WEBINAR_DB"] = str(db)
        svc.db_path = db
    if secret:
        svc.env["WEBINAR_SECRET_KEY"] = secret
    return svc



def two_web_services(tmp_path: Path) -> tuple[Service, Service]:
    """Two web processes on one SQLite file and one secret key (the second not started)."""
    secret = uuid.uuid4().hex * 2
    first = web_service(tmp_path / "a", secret=secret)
    second = web_service(tmp_path / "b", db=first.db_path, secret=secret)
    for svc in (first, second):
        svc.env["WEBINAR_POLL_SECONDS"] = "60"
    return first, second

async def token_and_event(svc: Service, http: aiohttp.ClientSession, slug: str,
                          **overrides) -> str:
    await svc.cli("organizer", "create", TOKEN_EMAIL, "--password-stdin",
                  stdin="a long password\n")
    token = (await svc.cli("token", "create", TOKEN_EMAIL)).strip().splitlines()[-1]
    await svc.start(http)
    async with http.post(f"{svc.base}/api/v1/events", json=event_body(slug=slug, **overrides),
                         headers={"Authorization": f"Bearer {token}"}) as resp:
        assert resp.status == 201, await resp.text()
    return token


def registrant(n: int, prefix: str = "fast") -> dict:
    return person(n, email=f"{prefix}{n}@example.org",
                  sector=("academic", "cooperation", "public", "private")[n % 4])


async def join_tokens(svc: Service, http: aiohttp.ClientSession, slug: str, count: int,
                      prefix: str, clients: int) -> list[str]:
    """`count` people registered through the API, `clients` at a time: their join tokens."""
    links: list[str] = []
    sem = asyncio.Semaphore(clients)

    async def register(n: int) -> None:
        async with sem, http.post(f"{svc.base}/api/v1/events/{slug}/registrations",
                                  json=registrant(n, prefix)) as resp:
            assert resp.status == 201, await resp.text()
            links.append((await resp.json())["join_link"])

    await asyncio.gather(*(register(n) for n in range(count)))
    return [link.rstrip("/").rsplit("/", 1)[-1] for link in links]


def assert_visits_recorded(svc: Service, acked: list[str]) -> None:
    """Every join token answered with a 303 has its visit and its log entry stored."""
    visited = {row[0] for row in svc.query(
        "SELECT r.join_token FROM join_visits v"
        " JOIN registrations r ON r.id = v.registration_id")}
    logged = {row[0] for row in svc.query(
        "SELECT r.join_token FROM event_log l JOIN registrations r"
        " ON r.id = l.registration_id WHERE l.type = 'attendance.joined'")}
    missing = [t for t in acked if t not in visited]
    assert not missing, f"answered 303 but not recorded: {len(missing)}"
    assert set(acked) <= logged


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
            body = registrant(n)
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
                                 json=registrant(n, "seat")) as resp:
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
