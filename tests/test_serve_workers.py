"""`webinar serve --workers 2` on SQLite: the supervisor migrates the new data dir once
before forking (each migration logged once, not once per worker), both workers answer on
the one port, and SIGTERM to the supervisor stops them all with exit status 0."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys

import aiohttp

from tests.conftest import free_port
from tests.store.test_postgres_workers import alive, worker_pids


async def test_workers_share_one_port_and_stop_on_sigterm(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEBINAR_")}
    env.update(WEBINAR_DATA_DIR=str(tmp_path), WEBINAR_POLL_SECONDS="1")
    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:  # noqa: ASYNC230
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "webinar", "serve", "--workers", "2", "--host", "127.0.0.1",
            "--port", str(port), env=env, cwd=tmp_path, stdout=out, stderr=out)
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(1200):
                assert proc.returncode is None, log.read_text()
                try:
                    async with session.get(f"http://127.0.0.1:{port}/healthz") as resp:
                        if resp.status == 200 and len(worker_pids(log)) == 2:
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
            statuses = []
            for _ in range(20):
                async with session.get(f"http://127.0.0.1:{port}/healthz") as resp:
                    statuses.append(resp.status)
            assert statuses == [200] * 20
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(proc.wait(), timeout=60)
    text = log.read_text()
    assert code == 0, text
    assert text.count("applied migration 0001_initial.sql") == 1, text
    pids = worker_pids(log)
    assert sorted(pids) == [0, 1]
    assert not [pid for found in pids.values() for pid in found if alive(pid)]


async def test_workers_that_cannot_start_stop_the_supervisor(tmp_path):
    """A port another program holds: the workers die at start, again and again; the
    supervisor gives up with status 1 instead of restarting them for ever."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEBINAR_")}
    env.update(WEBINAR_DATA_DIR=str(tmp_path))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "webinar", "serve", "--workers", "2", "--no-scheduler",
            "--host", "127.0.0.1", "--port", str(port), env=env, cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        try:
            out, _ = await asyncio.wait_for(proc.communicate(), timeout=120)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    assert proc.returncode == 1, out.decode()
    assert b"keep exiting at start" in out
