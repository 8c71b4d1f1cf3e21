"""CSRF tokens, the public-post rate limiter and client addresses."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from aiohttp import web

from webinar.web.request_keys import CSRF_NEW_COOKIE, CSRF_NONCE

CSRF_COOKIE = "csrf"
CSRF_FIELD = "csrf_token"
HONEYPOT_FIELD = "website"


class Csrf:
    """Double-submit tokens: a random cookie, and a form field that is its HMAC.

    Works without server-side sessions and without JavaScript; a cross-site page can
    neither read the cookie nor compute the field.
    """

    def __init__(self, secret: str, secure_cookie: bool):
        self._key = hashlib.sha256(("csrf:" + secret).encode()).digest()
        self._secure = secure_cookie

    def _sign(self, nonce: str) -> str:
        return hmac.new(self._key, nonce.encode(), hashlib.sha256).hexdigest()

    def token_for(self, request: web.Request) -> str:
        nonce = request.get(CSRF_NONCE) or request.cookies.get(CSRF_COOKIE)
        if not nonce or len(nonce) > 100:
            nonce = secrets.token_urlsafe(24)
            request[CSRF_NEW_COOKIE] = nonce
        request[CSRF_NONCE] = nonce
        return self._sign(nonce)

    def valid(self, request: web.Request, submitted: str | None) -> bool:
        nonce = request.cookies.get(CSRF_COOKIE)
        if not nonce or not submitted or len(nonce) > 100:
            return False
        return hmac.compare_digest(self._sign(nonce), submitted)

    def set_cookie(self, request: web.Request, response: web.StreamResponse) -> None:
        nonce = request.get(CSRF_NEW_COOKIE)
        if nonce:
            response.set_cookie(CSRF_COOKIE, nonce, httponly=True, samesite="Lax",
                                secure=self._secure, path="/")


class RateLimiter:
    """A token bucket per client address: `count` per `period`, bursts up to `count`.

    Kept in memory per process, which is what a single-machine deployment needs; the
    buckets map is pruned so a flood of addresses cannot grow it without bound.
    """

    def __init__(self, count: int, period: float, monotonic=time.monotonic):
        self.count, self.period = count, period
        self._rate = count / period if count else 0.0
        self._buckets: dict[str, tuple[float, float]] = {}
        self._now = monotonic

    @property
    def enabled(self) -> bool:
        return self.count > 0

    def allow(self, key: str) -> tuple[bool, float]:
        """(allowed, seconds until the next try would be allowed)."""
        if not self.enabled:
            return True, 0.0
        now = self._now()
        tokens, last = self._buckets.get(key, (float(self.count), now))
        tokens = min(float(self.count), tokens + (now - last) * self._rate)
        if tokens >= 1.0:
            self._buckets[key] = (tokens - 1.0, now)
            self._prune(now)
            return True, 0.0
        self._buckets[key] = (tokens, now)
        return False, (1.0 - tokens) / self._rate

    def _prune(self, now: float) -> None:
        if len(self._buckets) > 10_000:
            full = self.period
            self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full}


def client_address(request: web.Request) -> str:
    return request.remote or "unknown"
