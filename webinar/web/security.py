"""CSRF tokens, the public-post rate limiter, the sign-in throttle, client addresses and the
Content-Security-Policy pages get."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable

from aiohttp import web

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
    """A token bucket per client address: `count` per `period`, bursts up to `count`.

    Kept in memory per process, which is what a single-machine deployment needs; the
    buckets map is pruned so a flood of addresses cannot grow it without bound.
    """

    def __init__(self, count: int, period: float,
                 monotonic: Callable[[], float] = time.monotonic):
        self.count, self.period = count, period
        self._rate = count / period if count else 0.0
        self._buckets: dict[str, tuple[float, float]] = {}
        self._now = monotonic

    @property
    def enabled(self) -> bool:
        return self.count > 0

    def allow(self, key: str) -> tuple[bool, float]:
        """(allowed, seconds until the next try would be allowed); an allowed try counts."""
        allowed, wait = self.check(key)
        if allowed:
            self.hit(key)
        return allowed, wait

    def check(self, key: str) -> tuple[bool, float]:
        """Like `allow`, without counting: would one more be allowed now?"""
        if not self.enabled:
            return True, 0.0
        tokens = self._tokens(key, self._now())
        if tokens >= 1.0:
            return True, 0.0
        return False, (1.0 - tokens) / self._rate

    def hit(self, key: str) -> None:
        """Count one (a failure, for limits that count only those)."""
        if not self.enabled:
            return
        now = self._now()
        self._buckets[key] = (max(0.0, self._tokens(key, now) - 1.0), now)
        self._prune(now)

    def forget(self, key: str) -> None:
        self._buckets.pop(key, None)

    def _tokens(self, key: str, now: float) -> float:
        tokens, last = self._buckets.get(key, (float(self.count), now))
        return min(float(self.count), tokens + (now - last) * self._rate)

    def _prune(self, now: float) -> None:
        if len(self._buckets) > 10_000:
            full = self.period
            self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full}


class LoginThrottle:
    """The sign-in limits, apart from WEBINAR_RATE_LIMIT (which never turns them off).

    Tries per client address (30 a minute) slow down guessing across many accounts; failures
    per account and address (10 in 15 minutes) slow down guessing one password. Keyed on
    the pair, a stranger's guesses never lock the organizer out from where they are.
    """

    def __init__(self, monotonic: Callable[[], float] = time.monotonic, *,
                 tries_per_address: tuple[int, float] = (30, 60.0),
                 failures_per_account: tuple[int, float] = (10, 15 * 60.0)):
        self._tries = RateLimiter(*tries_per_address, monotonic=monotonic)
        self._failures = RateLimiter(*failures_per_account, monotonic=monotonic)

    @staticmethod
    def _pair(email: str, address: str) -> str:
        return email.strip().lower()[:254] + "\n" + address

    def attempt(self, email: str, address: str) -> tuple[bool, float]:
        """Count a try from `address`; (allowed, seconds to wait) before checking a password."""
        allowed, wait = self._tries.allow(address)
        if not allowed:
            return allowed, wait
        return self._failures.check(self._pair(email, address))

    def failed(self, email: str, address: str) -> None:
        self._failures.hit(self._pair(email, address))

    def succeeded(self, email: str, address: str) -> None:
        self._failures.forget(self._pair(email, address))


def client_address(request: web.Request) -> str:
    return request.remote or "unknown"
