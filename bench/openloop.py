"""An open-loop (paced) HTTP load generator, for latency below saturation.

wrk is a closed loop: each connection sends its next request when the last answer came,
so at 50 connections it saturates the server and, by Little's law, the wait is
connections / throughput (50 / 733/s = 68 ms), whatever the server does. Its Lua `delay()`
does not fix that: wrk (src/wrk.c, `socket_writeable`) calls `delay()` after a response,
and sets the request's start time (`c->start = time_us()`) only when it finally writes the
request, so the delay is think time, never counted, and a server stall only delays the
next sends: coordinated omission (its `stats_correct` afterwards adds synthetic samples
at intervals of runtime / (requests per connection), which with think time is not the
schedule either).

This generator works the way wrk2 does: each of the `connections` keep-alive connections
has its own Poisson schedule at rate / connections (exponential gaps from a per-connection
seeded random generator, so the connections are not in step), sends its next request at its
scheduled time, or at once if the previous answer came later, and the LATENCY OF EACH
REQUEST IS MEASURED FROM ITS SCHEDULED SEND TIME to the end of its response, so a stall
counts for every request that should have been sent during it. The send lag (actual send -
scheduled time) is reported on its own: when it is large at a rate the bare handler
answers in a millisecond, the generator itself is the limit, and it says so, as it says
when the achieved rate falls short of the offered one.

Requests are pre-built bytes (HTTP/1.1, keep-alive), one per scheduled send; responses are
read with asyncio streams (Content-Length or chunked). uvloop when installed.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

GRACE = 10.0  # seconds after the last scheduled send before unanswered requests count as errors


def poisson_schedule(rate: float, duration: float, connections: int,
                     seed: int = 0) -> list[list[float]]:
    """Per connection, the send times (seconds from the start, below `duration`) of a
    Poisson process at rate / connections, each from its own seeded generator."""
    if rate <= 0 or connections <= 0:
        raise ValueError("rate and connections must be positive")
    mean_gap = connections / rate
    times: list[list[float]] = []
    for c in range(connections):
        rng = random.Random(f"{seed}:{c}")
        t = rng.expovariate(1.0 / mean_gap)
        mine = []
        while t < duration:
            mine.append(t)
            t += rng.expovariate(1.0 / mean_gap)
        times.append(mine)
    return times


def percentile(ordered: Sequence[float], q: float) -> float:
    """The nearest-rank q-th percentile (0 < q <= 100) of an ascending sequence; NaN if empty."""
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(q / 100.0 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class PacedResult:
    offered: float                    # requests per second scheduled
    duration: float
    scheduled: int
    latencies: list[float] = field(default_factory=list)  # seconds, from the scheduled time
    lags: list[float] = field(default_factory=list)       # seconds, sent - scheduled
    failed: int = 0                   # connection errors (reset, refused, cut short)
    statuses: dict[int, int] = field(default_factory=dict)
    elapsed: float = 0.0              # start to the last response
    expect: frozenset[int] = frozenset({200, 201, 303})

    @property
    def completed(self) -> int:
        return len(self.latencies)

    @property
    def errors(self) -> int:
        """Connection errors, unexpected statuses and requests left unanswered."""
        bad = sum(n for status, n in self.statuses.items() if status not in self.expect)
        return self.failed + bad + (self.scheduled - self.completed - self.failed)

    @property
    def achieved(self) -> float:
        return self.completed / self.elapsed if self.elapsed else 0.0

    def ms(self, q: float) -> float:
        return percentile(sorted(self.latencies), q) * 1000.0

    @property
    def max_ms(self) -> float:
        return max(self.latencies) * 1000.0 if self.latencies else math.nan

    def lag_ms(self, q: float) -> float:
        return percentile(sorted(self.lags), q) * 1000.0

    def warnings(self) -> list[str]:
        out = []
        if self.achieved < 0.95 * self.offered:
            out.append(f"achieved {self.achieved:,.0f}/s of {self.offered:,.0f}/s offered")
        if self.lags and self.lag_ms(99) > 5.0:
            out.append(f"send lag p99 {self.lag_ms(99):.1f} ms: requests went out late"
                       " (the server held the connection, or the generator fell behind)")
        return out


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one HTTP/1.1 response; (status, keep-alive)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    chunked = False
    keep_alive = True
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        value = value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value:
            chunked = True
        elif name == "connection" and value == "close":
            keep_alive = False
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status, keep_alive


async def _connection(host: str, port: int, times: list[float], requests: list[bytes],
                      start: float, result: PacedResult) -> None:
    loop = asyncio.get_running_loop()
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    try:
        for t, request in zip(times, requests, strict=True):
            due = start + t
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                assert reader is not None
                result.lags.append(loop.time() - due)
                writer.write(request)
                status, keep_alive = await _read_response(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                result.failed += 1
                if writer is not None:
                    writer.close()
                reader = writer = None
                continue
            done = loop.time()
            result.latencies.append(done - due)
            result.elapsed = max(result.elapsed, done - start)
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if not keep_alive:
                writer.close()
                reader = writer = None
    finally:
        if writer is not None:
            writer.close()


async def _run(host: str, port: int, schedule: list[list[float]],
               requests: list[list[bytes]], result: PacedResult) -> None:
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05
    tasks = [asyncio.create_task(_connection(host, port, times, reqs, start, result))
             for times, reqs in zip(schedule, requests, strict=True)]
    done, pending = await asyncio.wait(tasks, timeout=result.duration + GRACE + 0.05)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        if task.exception() is not None:
            raise task.exception()  # type: ignore[misc]


def run(port: int, build: Callable[[int], bytes], *, rate: float, duration: float,
        connections: int, expect: frozenset[int] = frozenset({200, 201, 303}),
        seed: int | None = None, host: str = "127.0.0.1") -> PacedResult:
    """Offer `rate` requests/s for `duration` s over `connections` connections; request n
    is `build(n)` (n counts from 0 across all connections)."""
    schedule = poisson_schedule(rate, duration, connections,
                                seed if seed is not None else time.time_ns())
    n = 0
    requests: list[list[bytes]] = []
    for times in schedule:
        requests.append([build(n + i) for i in range(len(times))])
        n += len(times)
    result = PacedResult(offered=n / duration, duration=duration, scheduled=n, expect=expect)
    try:
        import uvloop
        runner = uvloop.run
    except ImportError:  # pragma: no cover - uvloop is a dependency on Linux
        runner = asyncio.run  # type: ignore[assignment]
    runner(_run(host, port, schedule, requests, result))
    return result


def http_request(method: str, path: str, host: str = "127.0.0.1",
                 headers: dict[str, str] | None = None, body: bytes = b"") -> bytes:
    """A keep-alive HTTP/1.1 request as bytes."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
