"""A sign-up rush across real processes on PostgreSQL: three `webinar serve` processes
start together on one empty database (migrating it at the same moment), then 300 people
sign up for a 20-seat event through the public API, spread over the three. Exactly 20
are confirmed and 280 waitlisted, each answered 201, nobody twice."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from tests.conftest import event_body, free_port, person
from webinar.events import service as events
from webinar.events.fields import EventFields
from webinar.store.postgres.database import PostgresStore

pytestmark = pytest.mark.once  # PostgreSQL itself, no store parameter

PROCESSES, PEOPLE, SEATS = 3, 300, 20


async def _wait_healthy(session: aiohttp.ClientSession, port: int, proc) -> None:
    for _ in range(600):
        if proc.returncode is not None:
            raise AssertionError(f"server on {port} exited, see its log in the tmp dir")
        try:
            async with session.get(f"http://127.0.0.1:{port}/healthz") as resp:
                if resp.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError(f"server on {port} did not answer")


async def test_three_web_processes_never_oversell(postgres_cluster, tmp_path):
    name = f"rush_{os.getpid()}"
    await postgres_cluster.admin(f'CREATE DATABASE "{name}"')  # empty: they migrate it
    url = postgres_cluster.url(name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEBINAR_")}
    env.update(WEBINAR_DB=url, WEBINAR_DATA_DIR=str(tmp_path), WEBINAR_RATE_LIMIT="0",
               WEBINAR_SECRET_KEY="rush-secret")
    ports = [free_port() for _ in range(PROCESSES)]
    procs = []
    for port in ports:
        with open(tmp_path / f"server-{port}.log", "wb") as log:  # noqa: ASYNC230
            procs.append(await asyncio.create_subprocess_exec(
                sys.executable, "-m", "webinar", "serve", "--no-scheduler", "--host",
                "127.0.0.1", "--port", str(port), env=env, cwd=tmp_path,
                stdout=log, stderr=log))
    store = PostgresStore(url)
    try:
        async with aiohttp.ClientSession() as session:
            for port, proc in zip(ports, procs, strict=True):
                await _wait_healthy(session, port, proc)
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
