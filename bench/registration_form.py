"""Benchmark: registration through the HTML form, beside a bare aiohttp handler, in one run.

    .venv/bin/python bench/registration_form.py [--duration 8] [--connections 50]
        [--modes bare,web,serve] [--rate R] [--gzip]

Each registration is two requests, as a browser makes them: `GET /events/{slug}` (the
page with the form; its first answer hands out the signed CSRF cookie and token) and
`POST /events/{slug}/register` with the cookie, the token and a distinct email (sectors
in turn), answered 303 to the manage page. wrk (1 thread) alternates the two; the CSRF
pair comes from one GET before the run (the double-submit pair stays valid, as it does
for a browser that fills in several forms). Prints requests/s (registrations/s is half
of it), p50 and p99 over both kinds, errors, the ratio to the bare handler (a plain page
and a 303) and the load average. Needs `wrk`. `--rate R`: paced instead
(bench/openloop.py, see bench/registration_api.py), the same two requests in turn.

Runs of 2026-11-30 (2 cores shared, load 0.5-1.2; `--modes bare,web`, alternating the
code before and after the event page's country options were made once, db12d6c):
    before: bare 4,757 / 4,590 req/s; web 323 / 348 req/s (0.068x / 0.076x), p99 415 / 393 ms
    after:  bare 3,838 / 4,376 req/s; web 526 / 576 req/s (0.137x / 0.132x), p99 284 / 225 ms
The page view was most of the pair's cost (a GET 6.8 ms before, 4.1-4.5 ms after, one
client at a time, end to end). Paced, after (`--rate R`, 50 connections, zero errors):
    100 req/s (before the change): bare p99 3.4, web 20.5, serve 69.4 ms
    200 req/s: bare p50 1.1 p99 3.4; web p50 4.2 p99 39.1; serve p50 5.3 p99 42.9 ms

Later the same day (feat/form; `--rate 200 --modes bare,web`, alternating the code before
(b68ccbb, "old") and after 8fa954c/916ad49/cd9c83f ("new"); load 2.8-4.3, so
bare's own p99 was 5-11 ms; "lag" = the generator's send lag p99, high = host starved):
    old web p50/p99: 6.5/120.8 (lag 39), 9.3/155.0 (lag 71), 4.2/37.9 (lag 4.3) ms
    new web p50/p99: 5.8/75.1 (lag 18), 7.3/233.6 (lag 107), 4.6/19.9 (lag 4.7) ms
Zero errors in all. Where the form's tail came from (bench/probe and a gen-2 logger):
  * full (generation-2) garbage collections during the run, every 6-19 s at 200 req/s,
    walking ~78k long-lived objects: 72-188 ms each with the loop stopped, by
    themselves above the p99 of an 8 s run. Two causes, both removed: the start-up heap
    (now gc.freeze()d in `webinar serve`, webinar/web/heap.py) and 48 objects of cyclic
    garbage per sign-up from the raised 303 (now returned; 0 after, and half the gen-0
    and a quarter of the gen-1 collections per 500 sign-ups). After: no gen-2 collection
    in the 8 s runs, the next one (at shutdown) walks ~470 objects in ~1 ms.
    A 30 s run, new (`--modes web --duration 30`, load 2.5): p50 4.4, p99 22.5 ms, and
    no gen-2 collection from start-up to shutdown (old: at 10 s and 29 s, 96-163 ms).
  * the page view's rendering: the blank form's fields (a dozen translated labels, two
    macros a field) and babel's date span, the same for every visitor, now made once per
    language + sectors / per arguments (webinar/web/form_parts.py, format_span cached):
    cProfile of 300 page views, render() 0.76 -> 0.41 s, jinja 0.64 -> 0.27 s.
  * what is left: the SQLite group commit (probe: lock hold p99 30-80 ms, BEGIN wait
    p99 16-20 ms under load 4; the store's business) and the shared host.
Tried and not kept: compressing pages on the loop instead of aiohttp's thread hop
(zlib_executor_size; `--gzip`, 3 alternating pairs, p50 4.4-4.6 vs 5.0-6.5 but p99
within the noise, in-process CPU per page view 1.9-2.5 vs 1.9-3.0 ms: not measurable).
`--gzip` makes the page views ask for gzip as browsers do (the app compresses each page
in a thread, ~0.3-0.5 ms of CPU at zlib's default level for the 16 kB page).
"""

from __future__ import annotations

import argparse
import re
import secrets
import sys
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

SCRIPT = """
local n = 0
local prefix = %(prefix)s
local sectors = {"academic", "cooperation", "public", "private"}
local page = "/events/%(slug)s"
local post = {["Content-Type"] = "application/x-www-form-urlencoded",
              ["Cookie"] = %(cookie)s}
local get = {["Cookie"] = %(cookie)s%(accept)s}
request = function()
  n = n + 1
  if n %% 2 == 1 then return wrk.format("GET", page, get) end
  local body = string.format("name=Persona+%%d&email=%%s%%d%%%%40example.org"
    .. "&organization=Universidad&position=Docente&sector=%%s&country=GT&language=es"
    .. "&consent=on&csrf_token=%%s", n, prefix, n, sectors[(n / 2) %% 4 + 1], %(token)s)
  return wrk.format("POST", page .. "/register", post, body)
end
"""


# `--gzip`: the page views ask for a compressed page, as every browser does.
ACCEPT: dict[str, str] = {}


def csrf_pair(port: int) -> tuple[str, str]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/events/{harness.SLUG}") as resp:
        cookie = next(h.split(";")[0] for h in resp.headers.get_all("Set-Cookie", [])
                      if h.startswith("csrf="))
        page = resp.read().decode()
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if match is None:
        raise SystemExit("no CSRF token on the event page")
    return cookie, match.group(1)


def script(name: str, port: int) -> str:
    mode = name.removeprefix("warm-")
    cookie, token = ("csrf=x", "x") if mode == "bare" else csrf_pair(port)
    return SCRIPT % {"prefix": harness.lua_string(f"{name}-{secrets.token_hex(4)}-"),
                     "slug": harness.SLUG, "cookie": harness.lua_string(cookie),
                     "token": harness.lua_string(token),
                     "accept": "".join(f', ["{k}"] = {harness.lua_string(v)}'
                                       for k, v in ACCEPT.items())}


def build(name: str, port: int) -> Callable[[int], bytes]:
    """The paced run's requests (bench/openloop.py), as wrk's script sends them: odd n GETs
    the form page, even n posts it (a distinct email each) with the CSRF cookie and
    token of one page view."""
    import openloop

    mode = name.removeprefix("warm-")
    cookie, token = ("csrf=x", "x") if mode == "bare" else csrf_pair(port)
    prefix = f"{name}-{secrets.token_hex(4)}-"
    page = f"/events/{harness.SLUG}"

    def request(n: int) -> bytes:
        if n % 2 == 1:
            return openloop.http_request("GET", page, headers={"Cookie": cookie, **ACCEPT})
        body = urllib.parse.urlencode({
            "name": f"Persona {n}", "email": f"{prefix}{n}@example.org",
            "organization": "Universidad", "position": "Docente",
            "sector": harness.SECTORS[(n // 2) % 4], "country": "GT", "language": "es",
            "consent": "on", "csrf_token": token}).encode()
        return openloop.http_request(
            "POST", page + "/register", body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    return request


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--modes", default=",".join(harness.MODES))
    parser.add_argument("--rate", type=float, default=None,
                        help="paced: requests/s offered in total (bench/openloop.py),"
                             " half of them page views, half sign-ups")
    parser.add_argument("--gzip", action="store_true",
                        help="the page views send Accept-Encoding: gzip, deflate (as browsers"
                             " do), so the app compresses each page")
    args = parser.parse_args()
    if args.gzip:
        ACCEPT["Accept-Encoding"] = "gzip, deflate"
    modes = args.modes.split(",")
    with tempfile.TemporaryDirectory(prefix="bench-form-") as tmp:
        data = {m: harness.make_data_dir(Path(tmp), m) for m in modes if m != "bare"}
        results = harness.run_modes(modes, lambda m: data.get(m), script,
                                    duration=args.duration, warmup=args.warmup,
                                    connections=args.connections, rate=args.rate,
                                    build_for=build, expect=frozenset({200, 303}))
        bare = next((r for r in results if r.name == "bare"), results[0])
        harness.print_table("HTML form registration (GET the form + POST it; 2 requests each)",
                            results, bare)
        for mode, d in data.items():
            n = d.count("SELECT COUNT(*) FROM registrations")
            print(f"{mode}: {n} registrations stored")
    return 0 if all(r.errors == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
