"""Benchmark: registration through the HTML form, beside a bare aiohttp handler, in one run.

    .venv/bin/python bench/registration_form.py [--duration 8] [--connections 50]
        [--modes bare,web,serve] [--rate R]

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
local get = {["Cookie"] = %(cookie)s}
request = function()
  n = n + 1
  if n %% 2 == 1 then return wrk.format("GET", page, get) end
  local body = string.format("name=Persona+%%d&email=%%s%%d%%%%40example.org"
    .. "&organization=Universidad&position=Docente&sector=%%s&country=GT&language=es"
    .. "&consent=on&csrf_token=%%s", n, prefix, n, sectors[(n / 2) %% 4 + 1], %(token)s)
  return wrk.format("POST", page .. "/register", post, body)
end
"""


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
                     "token": harness.lua_string(token)}


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
            return openloop.http_request("GET", page, headers={"Cookie": cookie})
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
    args = parser.parse_args()
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
