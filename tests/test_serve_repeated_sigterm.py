"""`webinar serve --workers 2` as real processes: SIGTERM sent again while the workers
shut down (systemd signals the whole control group and the supervisor forwards its own;
honcho may send it twice) changes nothing: worker 0 still stops its scheduler process and
closes its store, and serve exits 0 with no traceback."""

from __future__ import annotations

import asyncio
import os
import signal
import socket

import aiohttp

from tests.conftest import free_port
from tests.serving import (
    alive,
    scheduler_pids,
    serve_command,
    start_logged,
    wait_until_ready,
    webinar_env,
    worker_pids,
)


async def test_a_second_sigterm_during_shutdown_is_harmless(tmp_path):
    env = webinar_env(data_dir=tmp_path, poll_seconds=300, zoom_webhook_secret="s3cret",
                      rate_limit=0)
    port = free_port()
    log = tmp_path / "serve.log"
    proc = await start_logged(serve_command(port, "--workers", "2"), log, env=env, cwd=tmp_path)
    try:
        async with aiohttp.ClientSession() as session:
            await wait_until_ready(
                session, f"http://127.0.0.1:{port}", proc, log, seconds=120,
                ready=lambda: len(worker_pids(log)) == 2 and bool(scheduler_pids(log)))
        [worker0] = worker_pids(log)[0]
        [scheduler] = scheduler_pids(log)
        # Worker 0's shutdown waits for its scheduler process to stop; a stopped
        # (SIGSTOPped) child holds it there until SIGCONT, so the second SIGTERM surely
        # lands inside that shutdown.
        os.kill(scheduler, signal.SIGSTOP)
        os.kill(proc.pid, signal.SIGTERM)  # it sends SIGTERM to each worker
        while _listening(port):  # noqa: ASYNC110 - both workers stopped accepting: stopping
            await asyncio.sleep(0.02)
        os.kill(worker0, signal.SIGTERM)  # again, as systemd to the whole group
        os.kill(proc.pid, signal.SIGTERM)
        await asyncio.sleep(0.3)  # let worker 0 take the signals before the child goes on
        os.kill(scheduler, signal.SIGCONT)  # it takes the SIGTERM it was sent and stops
        code = await asyncio.wait_for(proc.wait(), timeout=60)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    text = log.read_text()
    assert code == 0, text
    assert f"scheduler process pid {scheduler} stopped" in text, text
    assert not alive(scheduler), text
    assert "Traceback" not in text and "Error" not in text, text


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True
