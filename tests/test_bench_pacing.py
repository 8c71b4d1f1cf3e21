"""bench/openloop.py, the paced (open-loop) generator behind the benchmarks' `--rate`:
its Poisson schedule offers the asked rate with the connections out of step, its
percentiles are nearest-rank, and it measures latency from the SCHEDULED send time, so a
server stall counts for every request that should have gone out during it (no coordinated
omission), against a real aiohttp server."""

from __future__ import annotations

import asyncio
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import openloop  # noqa: E402


def test_schedule_offers_the_rate_with_connections_out_of_step():
    schedule = openloop.poisson_schedule(rate=1000, duration=10, connections=50, seed=7)
    assert len(schedule) == 50
    total = sum(len(times) for times in schedule)
    assert 9_500 < total < 10_500
    assert all(0 <= t < 10 for times in schedule for t in times)
    assert all(times == sorted(times) for times in schedule)
    gaps = [b - a for times in schedule for a, b in zip(times, times[1:], strict=False)]
    assert statistics.mean(gaps) == pytest.approx(0.05, rel=0.05)  # 50 / 1000 s
    # exponential, not fixed: the spread of the gaps is about their mean
    assert statistics.stdev(gaps) == pytest.approx(0.05, rel=0.1)
    firsts = {round(times[0], 6) for times in schedule}
    assert len(firsts) == 50  # no two connections fire in step
    assert openloop.poisson_schedule(1000, 10, 50, seed=7) == schedule
    assert openloop.poisson_schedule(1000, 10, 50, seed=8) != schedule


def test_percentile_is_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert openloop.percentile(values, 50) == 50.0
    assert openloop.percentile(values, 99) == 99.0
    assert openloop.percentile(values, 100) == 100.0
    assert openloop.percentile([3.0], 99) == 3.0
    assert openloop.percentile([1.0, 2.0, 3.0, 4.0, 5.0], 99) == 5.0


def test_http_request_bytes():
    raw = openloop.http_request("POST", "/x", body=b"{}",
                                headers={"Content-Type": "application/json"})
    assert raw == (b"POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
                   b"\r\nContent-Length: 2\r\n\r\n{}")


@pytest.fixture
def stalling_server() -> Iterator[tuple[int, threading.Event]]:
    """A real aiohttp server in a thread; while `stall` is set, the next request blocks
    the server's event loop for 0.3 s (once), the way a GC pause or a long callback does."""
    stall = threading.Event()
    ready = threading.Event()
    state: dict[str, object] = {}

    async def hello(request: web.Request) -> web.Response:
        if stall.is_set():
            stall.clear()
            time.sleep(0.3)  # noqa: ASYNC251 - blocks the loop: every connection waits
        return web.Response(text="ok")

    def serve() -> None:
        loop = asyncio.new_event_loop()
        app = web.Application()
        app.router.add_get("/", hello)
        runner = web.AppRunner(app, access_log=None)
        loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        loop.run_until_complete(site.start())
        state["port"] = runner.addresses[0][1]
        state["loop"] = loop
        ready.set()
        loop.run_forever()
        loop.run_until_complete(runner.cleanup())
        loop.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(10)
    yield int(state["port"]), stall  # type: ignore[call-overload]
    loop = state["loop"]
    loop.call_soon_threadsafe(loop.stop)  # type: ignore[attr-defined]
    thread.join(10)


def _get(n: int) -> bytes:
    return openloop.http_request("GET", "/")


def test_keeps_the_rate_without_errors(stalling_server):
    port, _ = stalling_server
    result = openloop.run(port, _get, rate=200, duration=1.5, connections=10, seed=1,
                          expect=frozenset({200}))
    assert result.errors == 0
    assert result.completed == result.scheduled > 250
    assert result.achieved == pytest.approx(result.offered, rel=0.1)
    assert result.ms(50) < 50


def test_a_stall_counts_for_every_request_scheduled_during_it(stalling_server):
    port, stall = stalling_server
    timer = threading.Timer(0.5, stall.set)
    timer.start()
    result = openloop.run(port, _get, rate=200, duration=1.5, connections=10, seed=2,
                          expect=frozenset({200}))
    timer.cancel()
    assert result.errors == 0
    assert result.max_ms >= 250
    # About 60 requests were due during the 0.3 s stall; measured from their send time
    # only the ~10 already in flight would show it (what wrk reports).
    slow = sum(1 for latency in result.latencies if latency >= 0.1)
    assert slow >= 30
    assert result.lag_ms(100) >= 100  # they went out late, and that is counted
