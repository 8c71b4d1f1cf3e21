"""`webinar serve --workers 2` on SQLite: the supervisor migrates the new data dir once
before forking (each migration logged once, not once per worker), both workers answer on
the one port, and SIGTERM to the supervisor stops them all with exit status 0."""

from __future__ import annotations

import asyncio
import signal
import socket

import aiohttp

from tests.conftest import free_port
from tests.serving import (
    alive,
    serve_command,
    start_logged,
    wait_until_ready,
    webinar_env,
    worker_pids,
)


async def test_workers_share_one_port_and_stop_on_sigterm(tmp_path):
    env = webinar_env(data_dir=tmp_path, poll_seconds=1)
    port = free_port()
    log = tmp_path / "serve.log"
    proc = await start_logged(serve_command(port, "--workers", "2"), log, env=env, cwd=tmp_path)
    try:
        async with aiohttp.ClientSession() as session:
            await wait_until_ready(session, f"http://127.0.0.1:{port}", proc, log,
                                   ready=lambda: len(worker_pids(log)) == 2, seconds=120)
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
    env = webinar_env(data_dir=tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = await asyncio.create_subprocess_exec(
            *serve_command(port, "--workers", "2", "--no-scheduler"), env=env, cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        try:
            out, _ = await asyncio.wait_for(proc.communicate(), timeout=120)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    assert proc.returncode == 1, out.decode()
    assert b"keep exiting at start" in out
