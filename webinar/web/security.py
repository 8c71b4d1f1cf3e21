"""CSRF tokens, the public-post rate limiter, the sign-in throttle, client addresses and the
Content-Security-Policy pages get."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import time
from collections.abc import Callable
from datetime import datetime

from aiohttp import web

from webinar.store.interface import LimitQueries
from webinar.web.request_keys import CSRF_NEW_COOKIE, CSRF_NONCE

CSRF_COOKIE = "csrf"
CSRF_FIELD = "csrf_token"
HONEYPOT_FIELD = "website"

# The strict Content-Security-Policy every page gets, directive by directive.
CSP_DIRECTIVES = {
    "default-src": "'none'", "style-src": "'unsafe-inline'", "img-src": "'self' data:",
    "form-action": "'self'", "frame-ancestors": "'none'", "base-uri": "'none'",
}


def content_security_policy(**extra: str) -> str:
    """The strict policy with directives added (`frame_src="https://player.example"`,
    `connect_src="'self'"`): what a view that needs more sets on its own response, the
    per-response override `headers_middleware` leaves in place (the watch page)."""
    directives = dict(CSP_DIRECTIVES)
    directives.update({name.replace("_", "-"): value for name, value in extra.items()})
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class Csrf:
    """Double-submit tokens bound to a server-issued nonce.

    The cookie carries a random nonce and the server's signature of it; the form field is
    a second HMAC of the nonce. A cookie whose signature does not verify (one the client
    or a planted cookie chose) is never used: the next page replaces it with a fresh
    signed one. Works without server-side sessions and without JavaScript; a cross-site
    page can neither read the cookie nor compute the field.
    """

    def __init__(self, secret: str, secure_cookie: bool):
        self._key = hashlib.sha256(("csrf:" + secret).encode()).digest()
        self._cookie_key = hashlib.sha256(("csrf-cookie:" + secret).encode()).digest()
        self._secure = secure_cookie

    def _sign(self, nonce: str) -> str:
        return hmac.new(self._key, nonce.encode(), hashlib.sha256).hexdigest()

    def _cookie_value(self, nonce: str) -> str:
        return nonce + "." + hmac.new(self._cookie_key, nonce.encode(), hashlib.sha256).hexdigest()

    def _issued_nonce(self, request: web.Request) -> str | None:
        """The nonce of the request's cookie, if this server issued it (signature verifies)."""
        value = request.cookies.get(CSRF_COOKIE)
        if not value or len(value) > 200:
            return None
        nonce = value.partition(".")[0]
        if not nonce or not hmac.compare_digest(self._cookie_value(nonce), value):
            return None
        return nonce

    def token_for(self, request: web.Request) -> str:
        nonce = request.get(CSRF_NONCE) or self._issued_nonce(request)
        if not nonce:
            nonce = secrets.token_urlsafe(24)
            request[CSRF_NEW_COOKIE] = nonce
        request[CSRF_NONCE] = nonce
        return self._sign(nonce)

    def valid(self, request: web.Request, submitted: str | None) -> bool:
        nonce = self._issued_nonce(request)
        if not nonce or not submitted:
            return False
        return hmac.compare_digest(self._sign(nonce), submitted)

    @staticmethod
    def cookie_sent(request: web.Request) -> bool:
        """Whether the browser sent our cookie at all: without it (cookies blocked) no
        form can pass, and the page should say so rather than call the form expired."""
        return CSRF_COOKIE in request.cookies

    def set_cookie(self, request: web.Request, response: web.StreamResponse) -> None:
        nonce = request.get(CSRF_NEW_COOKIE)
        if nonce:
            response.set_cookie(CSRF_COOKIE, self._cookie_value(nonce), httponly=True,
                                samesite="Lax", secure=self._secure, path="/")


class RateLimiter:
    """A token bucket per client address, in this process's memory: `count` per `period`,
    bursts up to `count`. The buckets map is pruned so a flood of addresses cannot grow
    it without bound."""

    def __init__(self, count: int, period: float,
                 monotonic: Callable[[], float] = time.monotonic):
        self.count, self.period = count, period
        self._rate = count / period if count else 0.0
        self._buckets: dict[str, tuple[float, float]] = {}
        self._now = monotonic

    @property
    def enabled(self) -> bool:
        return self.count > 0

    async def allow(self, key: str) -> tuple[bool, float]:
        """(allowed, seconds until the next try would be allowed); an allowed try counts."""
        allowed, wait = await self.check(key)
        if allowed:
            await self.hit(key)
        return allowed, wait

    async def check(self, key: str) -> tuple[bool, float]:
        """Like `allow`, without counting: would one more be allowed now?"""
        if not self.enabled:
            return True, 0.0
        tokens = self._tokens(key, self._now())
        if tokens >= 1.0:
            return True, 0.0
        return False, (1.0 - tokens) / self._rate

    async def hit(self, key: str) -> None:
        """Count one (a failure, for limits that count only those)."""
        if not self.enabled:
            return
        now = self._now()
        self._buckets[key] = (max(0.0, self._tokens(key, now) - 1.0), now)
        self._prune(now)

    async def forget(self, key: str) -> None:
        self._buckets.pop(key, None)

    def _tokens(self, key: str, now: float) -> float:
        tokens, last = self._buckets.get(key, (float(self.count), now))
        return min(float(self.count), tokens + (now - last) * self._rate)

    def _prune(self, now: float) -> None:
        if len(self._buckets) > 10_000:
            full = self.period
            self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full}


class SharedLimiter:
    """The same limit kept in the database, so that every web process on it (several on
    one host, or on several hosts) counts into one counter per key: a fixed window of
    `period` seconds aligned on the epoch, at most `count` in each, counted by one
    statement (store `limits.hit`: INSERT ... ON CONFLICT DO UPDATE ... RETURNING).

    Fixed windows rather than the memory limiter's token bucket: one integer per key and
    one statement a try, no read-modify-write across processes; the price is that a client
    can spend one window's allowance at its end and the next at its start (a burst of up
    to 2 x count), which is still a bound.

    No address is stored: the key is an HMAC of the limit's name and the client key with
    the deployment's secret key, and a row lives only as long as its window (each hit
    purges ended windows at most once a minute per process; the scheduler every pass).
    Times come from the app's clock (shared wall time; a FakeClock in tests)."""

    def __init__(self, name: str, count: int, period: float, *, limits: LimitQueries,
                 secret: str, now: Callable[[], datetime]):
        self.name, self.count = name, count
        self.period = max(1, int(period))
        self._limits = limits
        self._key = hashlib.sha256(("rate-limit:" + secret).encode()).digest()
        self._now = now
        self._next_purge = 0

    @property
    def enabled(self) -> bool:
        return self.count > 0

    def hashed(self, key: str) -> str:
        return hmac.new(self._key, f"{self.name}\n{key}".encode(),
                        hashlib.sha256).hexdigest()[:32]

    def _window(self) -> tuple[int, int, float]:
        """(window start, window end, now) in epoch seconds."""
        now = self._now().timestamp()
        start = int(now // self.period) * self.period
        return start, start + self.period, now

    async def allow(self, key: str) -> tuple[bool, float]:
        if not self.enabled:
            return True, 0.0
        start, ends, now = self._window()
        hits = await self._limits.hit(self.hashed(key), start, ends)
        await self._purge(now)
        return (True, 0.0) if hits <= self.count else (False, max(0.0, ends - now))

    async def check(self, key: str) -> tuple[bool, float]:
        if not self.enabled:
            return True, 0.0
        start, ends, now = self._window()
        hits = await self._limits.count(self.hashed(key), start)
        return (True, 0.0) if hits < self.count else (False, max(0.0, ends - now))

    async def hit(self, key: str) -> None:
        if self.enabled:
            start, ends, now = self._window()
            await self._limits.hit(self.hashed(key), start, ends)
            await self._purge(now)

    async def forget(self, key: str) -> None:
        await self._limits.forget(self.hashed(key))

    async def _purge(self, now: float) -> None:
        if now >= self._next_purge:
            self._next_purge = int(now) + 60
            await self._limits.purge(int(now))


class RateLimit:
    """One limit as the views use it: in this process's memory (`RateLimiter`) until
    `share` hands it the store's shared counters; then in the database.

    Where the limits live: on PostgreSQL in the database (several web processes, several
    hosts: one limit). On SQLite in each process's memory: a SQLite file is one machine
    and, as deployed, one web process, and a counter write on every public post would
    queue behind the one writer that registrations need. `webinar serve --workers N` on
    SQLite therefore allows up to N x the limit (each worker counts its own); that is
    said in the README. A limit built with a clock of its own (`monotonic`, the tests')
    stays in memory."""

    def __init__(self, name: str, count: int, period: float,
                 monotonic: Callable[[], float] | None = None):
        self.name, self.count, self.period = name, count, period
        self._own_clock = monotonic is not None
        self._impl: RateLimiter | SharedLimiter = RateLimiter(
            count, period, monotonic or time.monotonic)

    @property
    def enabled(self) -> bool:
        return self._impl.enabled

    @property
    def shared(self) -> bool:
        return isinstance(self._impl, SharedLimiter)

    def share(self, limits: LimitQueries, secret: str, now: Callable[[], datetime]) -> None:
        if not self._own_clock:
            self._impl = SharedLimiter(self.name, self.count, self.period, limits=limits,
                                       secret=secret, now=now)

    async def allow(self, key: str) -> tuple[bool, float]:
        """(allowed, seconds until the next try would be allowed); an allowed try counts."""
        return await self._impl.allow(key)

    async def check(self, key: str) -> tuple[bool, float]:
        """Like `allow`, without counting: would one more be allowed now?"""
        return await self._impl.check(key)

    async def hit(self, key: str) -> None:
        """Count one (a failure, for limits that count only those)."""
        await self._impl.hit(key)

    async def forget(self, key: str) -> None:
        await self._impl.forget(key)


class LoginThrottle:
    """The sign-in limits, apart from WEBINAR_RATE_LIMIT (which never turns them off).

    Tries per client address (30 a minute) slow down guessing across many accounts; failures
    per account and address (10 in 15 minutes) slow down guessing one password. Keyed on
    the pair, a stranger's guesses never lock the organizer out from where they are.
    Shared across processes like `RateLimit` (PostgreSQL), unless given its own clock.
    """

    def __init__(self, monotonic: Callable[[], float] | None = None, *,
                 tries_per_address: tuple[int, float] = (30, 60.0),
                 failures_per_account: tuple[int, float] = (10, 15 * 60.0)):
        self._tries = RateLimit("login-tries", *tries_per_address, monotonic=monotonic)
        self._failures = RateLimit("login-failures", *failures_per_account,
                                   monotonic=monotonic)

    def share(self, limits: LimitQueries, secret: str, now: Callable[[], datetime]) -> None:
        self._tries.share(limits, secret, now)
        self._failures.share(limits, secret, now)

    @staticmethod
    def _pair(email: str, address: str) -> str:
        return email.strip().lower()[:254] + "\n" + address

    async def attempt(self, email: str, address: str) -> tuple[bool, float]:
        """Count a try from `address`; (allowed, seconds to wait) before checking a password."""
        allowed, wait = await self._tries.allow(address)
        if not allowed:
            return allowed, wait
        return await self._failures.check(self._pair(email, address))

    async def failed(self, email: str, address: str) -> None:
        await self._failures.hit(self._pair(email, address))

    async def succeeded(self, email: str, address: str) -> None:
        await self._failures.forget(self._pair(email, address))


Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# WEBINAR_TRUSTED_PROXIES, parsed (webinar.app sets it).
TRUSTED_PROXIES = web.AppKey("trusted_proxies", tuple)


def _trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(request: web.Request) -> str:
    """The client's address, as the limits key it: the peer, or, when the peer is one of
    WEBINAR_TRUSTED_PROXIES, the last X-Forwarded-For hop not added by a trusted proxy
    (hops to its left are whatever the client wrote, so they are never believed)."""
    remote = request.remote or "unknown"
    proxies: tuple[Network, ...] = request.config_dict.get(TRUSTED_PROXIES, ())
    if not proxies or not _trusted(remote, proxies):
        return remote
    hops = [hop.strip() for header in request.headers.getall("X-Forwarded-For", [])
            for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            return hop[:64]
    return hops[0][:64] if hops else remote
