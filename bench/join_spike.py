"""Benchmark: the join spike, `GET /j/{join_token}` with distinct tokens (each visit
recorded), beside a bare aiohttp handler that answers 303, in one run.

    .venv/bin/python bench/join_spike.py [--registrations 30000] [--duration 8]
        [--connections 50] [--modes bare,web,serve]

Each app runs on a fresh data dir holding one event whose doors are open and
`--registrations` confirmed registrations; wrk (1 thread) sends each request to the next
join token of the list (a 2 s warm-up takes tokens from the end of the list; when the
measured run outruns the list it starts again at its top, still one visit each). Prints
req/s, p50, p99, errors (anything but a 303 counts), the ratio to the bare handler and the
load average, then the visits the database holds. bench/join_link.py is the older Python
load generator for the same path. Needs `wrk`.

`--rate R`: paced (bench/openloop.py, see bench/registration_api.py), e.g.
`.venv/bin/python bench/join_spike.py --rate 900` (50 connections, 8 s; load beside):

    before (cad0507)                           after (checkpoints off COMMIT, BEGIN polled)
    web    p50 12.3 p99 55.5 max 113 (1.76)    bare  p50 0.9 p99  8.6 max  49 (1.20)
    serve  p50  8.6 p99 80.6 max 155 (2.11)    web   p50 5.6 p99 57.5 max 134 (1.33)
                                               serve p50 6.1 p99 39.3 max  80 (1.35)

Zero errors, every visit stored. One run each: the join path changed little (its visits
are already batched; the p99 moves with the host's load: bare alone 9-126 ms p99 at
900/s between load 1.2 and 3).

Later the same day (merged code, load 0.7-1.3), web only, five runs alternating with
the code before a try at taking BEGIN IMMEDIATE on the loop's thread when the lock is
free (not kept: no gain): bare p99 7-28 ms, web p99 18-138 ms (median 28.5 ms) at 900/s.
At 500/s, one run of each (load 1.0): bare p50 1.0 p99 9.7; web p50 3.6 p99 14.3;
serve p50 3.3 p99 14.1 ms (`--rate 500 --modes bare,web,serve`). So p99 < 20 ms holds at
a quarter of the web process's closed-loop throughput (about 2,000/s), not at a half.

Later runs (scheduler at nice 10 and the rest of that session), `--rate 500 --modes
bare,web,serve`, load 0.8-1.1: bare p99 6.5 / 8.1 / 8.3 ms; web 20.6 / 21.3 / 25.7 ms;
serve 13.2 / 24.7 / 16.6 ms; zero errors. Closed loop (load 1.3): bare 4,391, web 2,143
(0.49x), serve 1,998/s.

Next session, after one-row reads moved to a connection on the loop's thread (058c8a3):
tried and not kept, reading each click's registration there too (one indexed read per
click) instead of batching concurrent clicks' reads into one statement on aiosqlite's
thread. Alternating, web only, load 1.2-1.4: `--rate 500` p99 15.9 / 15.1 ms batched,
10.4 / 15.9 ms on the loop; closed loop 1,665 / 1,704 batched, 1,665 / 1,561/s on the
loop: no clear gain, so the reads stay batched.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

SCRIPT = """
local tokens = {}
for line in io.lines(%(file)s) do tokens[#tokens + 1] = line end
local i = 0
request = function()
  i = i %% #tokens + 1
  return wrk.format("GET", "/j/" .. tokens[i])
end
response = function(status, headers, body)
  if status ~= 303 then wrk.thread:stop() end
end
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--registrations", type=int, default=30_000)
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--modes", default=",".join(harness.MODES))
    parser.add_argument("--rate", type=float, default=None,
                        help="paced: requests/s offered in total (bench/openloop.py)")
    args = parser.parse_args()
    modes = args.modes.split(",")
    with tempfile.TemporaryDirectory(prefix="bench-join-") as tmp:
        root = Path(tmp)
        data: dict[str, harness.DataDir] = {}
        files: dict[str, Path] = {}
        tokens: list[str] = [f"t{n:06d}" for n in range(args.registrations)]
        for mode in modes:
            if mode != "bare":
                data[mode] = harness.make_data_dir(root, mode, args.registrations)
                tokens = data[mode].tokens
            warm = root / f"warm-{mode}.txt"
            main_ = root / f"{mode}.txt"
            warm.write_text("\n".join(tokens[-2000:]) + "\n")
            main_.write_text("\n".join(tokens[:-2000]) + "\n")
            files["warm-" + mode], files[mode] = warm, main_

        def script(name: str, port: int) -> str:
            return SCRIPT % {"file": harness.lua_string(str(files[name]))}

        def build(name: str, port: int) -> Callable[[int], bytes]:
            """The paced run's requests: request n visits the n-th token of the list."""
            import openloop

            names = files[name].read_text().split()
            return lambda n: openloop.http_request("GET", f"/j/{names[n % len(names)]}")

        results = harness.run_modes(
            modes, lambda m: data.get(m), script, duration=args.duration,
            warmup=args.warmup, connections=args.connections, rate=args.rate,
            build_for=build, expect=frozenset({303}))
        bare = next((r for r in results if r.name == "bare"), results[0])
        harness.print_table("join link (GET /j/{join_token}, distinct tokens)", results, bare)
        for mode, d in data.items():
            n = d.count("SELECT COUNT(*) FROM join_visits")
            print(f"{mode}: {n} join visits stored")
    return 0 if all(r.errors == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
