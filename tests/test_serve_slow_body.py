"""`webinar serve` as a real process stops promptly on SIGTERM even while a client is
still sending a request body (headers with Content-Length: 1000, half the body, then
nothing): it stops accepting, lets the requests being handled finish within a short
grace, cuts the connections still sending, and exits 0 within a few seconds, not after
aiohttp's own shutdown timeout. A registration acknowledged just before is stored."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time

import aiohttp

from tests.serving import (
    HTTP_TIMEOUT,
    SLUG,
    Service,
    organizer_and_event,
    register,
    registrant,
)
from webinar.web.shutdown import GRACE_SECONDS

# Far under the 60 s it took (aiohttp's shutdown timeout), and under the grace that
# requests being handled get: the half-sent request does not use it up.
EXIT_WITHIN = GRACE_SECONDS


async def test_sigterm_with_a_body_half_sent_exits_promptly(tmp_path, smtp, database_url):
    _inbox, smtp_port = smtp
    svc = Service(tmp_path, smtp_port, database_url)
    try:
        async with aiohttp.ClientSession(timeout=HTTP_TIMEOUT) as http:
            await organizer_and_event(svc, http)
            status, acknowledged = await register(svc, http, 1)
            assert status == 201, acknowledged
        body = json.dumps(registrant(2)).encode().ljust(1000)
        reader, writer = await asyncio.open_connection("127.0.0.1", svc.port)
        writer.write(f"POST /api/v1/events/{SLUG}/registrations HTTP/1.1\r\n"
                     "Host: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     "Content-Length: 1000\r\n\r\n".encode() + body[:500])
        await writer.drain()
        await asyncio.sleep(0.5)  # the server has read the headers and runs the handler
        assert svc.proc is not None and svc.proc.returncode is None
        started = time.monotonic()
        os.kill(svc.proc.pid, signal.SIGTERM)
        code = await asyncio.wait_for(svc.proc.wait(), timeout=90)
        took = time.monotonic() - started
        writer.close()
        assert code == 0, svc.log_tail()
        assert took < EXIT_WITHIN, f"exited {took:.1f} s after SIGTERM\n{svc.log_tail()}"
        assert "Traceback" not in svc.log_tail(), svc.log_tail()
        rows = svc.query("SELECT email, status FROM registrations WHERE id = ?",
                         (acknowledged["id"],))
        assert rows == [(acknowledged["email"], "confirmed")]
        assert svc.query("SELECT count(*) FROM registrations") == [(1,)]  # the half body
    finally:
        await svc.stop()
