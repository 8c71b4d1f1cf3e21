"""A sign-up rush across real processes on PostgreSQL: three `webinar serve` processes
start together on one empty database (migrating it at the same moment), then 300 people
sign up for a 20-seat event through the public API, spread over the three. Exactly 20
are confirmed and 280 waitlisted, each answered 201, nobody twice."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from tests.conftest import event_body, free_port, person
from tests.serving import serve_command, start_logged, wait_until_ready, webinar_env
from webinar.events import service as events
from webinar.events.fields import EventFields
from webinar.store.postgres.database import PostgresStore

pytestmark = pytest.mark.once  # PostgreSQL itself, no store parameter

PROCESSES, PEOPLE, SEATS = 3, 300, 20


async def test_three_web_processes_never_oversell(postgres_cluster, tmp_path):
    name = f"rush_{os.getpid()}"
    await postgres_cluster.admin(f'CREATE DATABASE "{name}"')  # empty: they migrate it
    url = postgres_cluster.url(name)
    env = webinar_env(db=url, data_dir=tmp_path, rate_limit=0, secret_key="rush-secret")
    ports = [free_port() for _ in range(PROCESSES)]
    procs = []
    for port in ports:
        procs.append(await start_logged(serve_command(port, "--no-scheduler"),
                                        tmp_path / f"server-{port}.log", env=env, cwd=tmp_path))
    store = PostgresStore(url)
    try:
        async with aiohttp.ClientSession() as session:
            for port, proc in zip(ports, procs, strict=True):
                await wait_until_ready(session, f"http://127.0.0.1:{port}", proc,
                                       tmp_path / f"server-{port}.log", seconds=60)
            await store.connect()
            start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
            fields = EventFields.model_validate(event_body(
                slug="rush", capacity=SEATS, starts_at=start.isoformat(),
                ends_at=(start + timedelta(hours=2)).isoformat()))
            await events.create(store, datetime.now(UTC), fields, None)

            gate = asyncio.Semaphore(30)

            async def sign_up(n: int) -> int:
                port = ports[n % PROCESSES]
                async with gate, session.post(
                        f"http://127.0.0.1:{port}/api/v1/events/rush/registrations",
                        json={**person(n), "consent": True}) as resp:
                    return resp.status

            statuses = await asyncio.gather(*(sign_up(n) for n in range(PEOPLE)))
        assert statuses == [201] * PEOPLE
        rows = await store.registrations._conn.fetchall(
            "SELECT status, COUNT(*) AS n, COUNT(DISTINCT email) AS people"
            " FROM registrations GROUP BY status ORDER BY status")
        assert rows == [{"status": "confirmed", "n": SEATS, "people": SEATS},
                        {"status": "waitlisted", "n": PEOPLE - SEATS,
                         "people": PEOPLE - SEATS}]
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.terminate()
        for proc in procs:
            try:
                await asyncio.wait_for(proc.wait(), timeout=20)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        await store.close()
        await postgres_cluster.admin(f'DROP DATABASE "{name}" WITH (FORCE)')
