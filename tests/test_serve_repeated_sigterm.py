"""`webinar serve --workers 2` as real processes: SIGTERM sent again while the workers
shut down (systemd signals the whole control group and the supervisor forwards its own;
honcho may send it twice) changes nothing: worker 0 still stops its scheduler process and
closes its store, and serve exits 0 with no traceback."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys

import aiohttp

from tests.conftest import free_port
from tests.store.test_postgres_workers import worker_pids
from tests.test_serve_scheduler_process import alive


async def test_a_second_sigterm_during_shutdown_is_harmless(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEBINAR_")}
    env.update(WEBINAR_DATA_DIR=str(tmp_path), WEBINAR_POLL_SECONDS="300",
               WEBINAR_ZOOM_WEBHOOK_SECRET="s3cret", WEBINAR_RATE_LIMIT="0")
    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:  # noqa: ASYNC230
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "webinar", "serve", "--workers", "2", "--host", "127.0.0.1",
            "--port", str(port), env=env, cwd=tmp_path, stdout=out, stderr=out)

    def children() -> list[int]:
        return [int(p) for p in re.findall(r"scheduler process pid (\d+) started",
                                           log.read_text())]
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(1200):
                assert proc.returncode is None, log.read_text()
                try:
                    async with session.get(f"http://127.0.0.1:{port}/healthz") as resp:
                        if (resp.status == 200 and len(worker_pids(log)) == 2
                                and children()):
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        [worker0] = worker_pids(log)[0]
        [scheduler] = children()
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
