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
import signal
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from tests.conftest import event_body, free_port, person
from tests.serving import (
    alive,
    serve_command,
    start_logged,
    wait_until_ready,
    webinar_env,
    worker_pids,
)
from webinar.events import service as events
from webinar.events.fields import EventFields
from webinar.store.postgres.database import PostgresStore

pytestmark = pytest.mark.once  # PostgreSQL itself, no store parameter

WORKERS, PEOPLE, SEATS, KILL_AFTER = 3, 300, 20, 100


async def test_sigkill_of_one_worker_loses_no_acknowledged_sign_up(postgres_cluster, tmp_path):
    name = f"workers_{os.getpid()}"
    await postgres_cluster.admin(f'CREATE DATABASE "{name}"')  # empty: the parent migrates
    url = postgres_cluster.url(name)
    env = webinar_env(db=url, data_dir=tmp_path, rate_limit=0, secret_key="workers-secret",
                      db_pool_size=4)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    proc = await start_logged(serve_command(port, "--workers", str(WORKERS), "--no-scheduler"),
                              log, env=env, cwd=tmp_path)
    store = PostgresStore(url)
    answers: dict[str, tuple[int, dict]] = {}
    try:
        async with aiohttp.ClientSession() as session:
            await wait_until_ready(session, base, proc, log, seconds=120,
                                   ready=lambda: len(worker_pids(log)) == WORKERS)
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
