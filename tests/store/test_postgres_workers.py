"""`webinar serve --workers 3` on PostgreSQL: three web processes on one port
(SO_REUSEPORT) under one supervisor that migrated the empty database before forking.
In the middle of a 300-person rush on a 20-seat event one worker is SIGKILLed: every
sign-up that was answered 201 is in the database with the status it was told, nobody
is there twice, the seats are never exceeded, and the supervisor starts the worker
again. Clients whose connection the kill cut send again (a 409 "already registered"
then means the first try had committed). SIGTERM to the supervisor stops everything,
exit status 0."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from tests.conftest import event_body, free_port, person
from webinar.events import service as events
from webinar.events.fields import EventFields
from webinar.store.postgres.database import PostgresStore

pytestmark = pytest.mark.once  # PostgreSQL itself, no store parameter

WORKERS, PEOPLE, SEATS, KILL_AFTER = 3, 300, 20, 100


def worker_pids(log: Path) -> dict[int, list[int]]:
    """Worker index -> the pids it had, in order (from the supervisor's output)."""
    pids: dict[int, list[int]] = {}
    for index, pid in re.findall(r"^worker (\d+) pid (\d+)$", log.read_text(), re.M):
        pids.setdefault(int(index), []).append(int(pid))
    return pids


def log_text(log: Path) -> str:
    return log.read_text()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def wait_healthy(session: aiohttp.ClientSession, base: str, proc, log: Path) -> None:
    for _ in range(1200):
        assert proc.returncode is None, log_text(log)
        if len(worker_pids(log)) == WORKERS:
            try:
                async with session.get(f"{base}/healthz") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
        await asyncio.sleep(0.1)
    raise AssertionError(f"serve --workers did not answer:\n{log_text(log)}")


async def test_sigkill_of_one_worker_loses_no_acknowledged_sign_up(postgres_cluster, tmp_path):
    name = f"workers_{os.getpid()}"
    await postgres_cluster.admin(f'CREATE DATABASE "{name}"')  # empty: the parent migrates
    url = postgres_cluster.url(name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEBINAR_")}
    env.update(WEBINAR_DB=url, WEBINAR_DATA_DIR=str(tmp_path), WEBINAR_RATE_LIMIT="0",
               WEBINAR_SECRET_KEY="workers-secret", WEBINAR_DB_POOL_SIZE="4")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:  # noqa: ASYNC230
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "webinar", "serve", "--workers", str(WORKERS),
            "--no-scheduler", "--host", "127.0.0.1", "--port", str(port),
            env=env, cwd=tmp_path, stdout=out, stderr=out)
    store = PostgresStore(url)
    answers: dict[str, tuple[int, dict]] = {}
    try:
        async with aiohttp.ClientSession() as session:
            await wait_healthy(session, base, proc, log)
            first_pids = worker_pids(log)
            await store.connect()
            start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
            fields = EventFields.model_validate(event_body(
                slug="rush", capacity=SEATS, starts_at=start.isoformat(),
                ends_at=(start + timedelta(hours=2)).isoformat()))
            await events.create(store, datetime.now(UTC), fields, None)

            gate = asyncio.Semaphore(30)
            done = 0
            killed = asyncio.Event()
            cut = 0

            async def sign_up(n: int) -> None:
                nonlocal done, cut
                body = {**person(n), "consent": True}
                async with gate:
                    for _try in range(50):
                        try:
                            async with session.post(
                                    f"{base}/api/v1/events/rush/registrations",
                                    json=body) as resp:
                                answers[body["email"]] = (resp.status, await resp.json())
                                break
                        except (TimeoutError, aiohttp.ClientError):
                            cut += 1  # the killed worker's connection: send again
                            await asyncio.sleep(0.2)
                    done += 1
                    if done == KILL_AFTER and not killed.is_set():
                        os.kill(first_pids[1][0], signal.SIGKILL)
                        killed.set()

            await asyncio.gather(*(sign_up(n) for n in range(PEOPLE)))
            assert killed.is_set()
            # The supervisor started worker 1 again, and it answers with the others.
            for _ in range(300):
                if len(worker_pids(log)[1]) == 2:
                    break
                await asyncio.sleep(0.1)
            assert len(worker_pids(log)[1]) == 2, log.read_text()
        assert len(answers) == PEOPLE
        acknowledged = {email: body for email, (status, body) in answers.items()
                        if status == 201}
        statuses = {status for status, _ in answers.values()}
        assert statuses <= {201, 409}, statuses  # 409: a retry of a committed sign-up
        rows = await store.registrations._conn.fetchall(
            "SELECT id, email, status FROM registrations")
        stored = {r["email"]: r for r in rows}
        assert len(rows) == len(stored) == PEOPLE  # nobody twice, nobody lost
        for email, body in acknowledged.items():
            assert stored[email]["id"] == body["id"]
            assert stored[email]["status"] == body["status"]
        assert sum(r["status"] == "confirmed" for r in rows) == SEATS
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(proc.wait(), timeout=60)
        except TimeoutError:
            proc.kill()
            code = await proc.wait()
        await store.close()
        await postgres_cluster.admin(f'DROP DATABASE "{name}" WITH (FORCE)')
    assert code == 0, log.read_text()
    assert not [pid for pids in worker_pids(log).values() for pid in pids if alive(pid)]
