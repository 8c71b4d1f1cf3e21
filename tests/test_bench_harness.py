"""bench/harness.py reads wrk's summary: the latency percentiles come from the
"Latency Distribution" lines, not from a "+/- Stdev" figure that happens to end in 50%
or 99% (which printed `nan` for p50 or p99)."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))


import harness  # noqa: E402

WRK_OUTPUT = """\
Running 8s test @ http://127.0.0.1:40000
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    95.21ms   40.10ms 301.00ms   87.50%
    Req/Sec   520.10     80.05   700.00     68.99%
  Latency Distribution
     50%   90.70ms
     75%  110.20ms
     90%  150.00ms
     99%  238.60ms
  4160 requests in 8.00s, 3.10MB read
  Non-2xx or 3xx responses: 2
Requests/sec:    520.00
Transfer/sec:    396.80KB
"""


def test_percentiles_come_from_the_distribution_not_the_stdev_column():
    result = harness.parse_wrk(WRK_OUTPUT, "web", "1.00")
    assert not math.isnan(result.p50_ms) and not math.isnan(result.p99_ms)
    assert (result.p50_ms, result.p99_ms) == (90.7, 238.6)
    assert (result.requests, result.seconds, result.errors) == (4160, 8.0, 2)
    assert result.rate == 520.0


def test_latency_units():
    out = WRK_OUTPUT.replace("90.70ms", "950.00us").replace("238.60ms", "1.20s")
    result = harness.parse_wrk(out, "web", "1.00")
    assert (result.p50_ms, result.p99_ms) == (pytest.approx(0.95), 1200.0)
