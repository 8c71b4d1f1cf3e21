"""The application factory: `create_app(settings)` assembles routes, middlewares and the
resources (store, mailer) opened and closed in `cleanup_ctx`. What runs beside the app
(the embedded scheduler) is handed in by the caller, so the web layer never imports it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

from aiohttp import web

from webinar.clock import Clock, SystemClock
from webinar.runtime import Resources, open_resources
from webinar.settings import Settings, parse_networks, parse_rate
from webinar.store.interface import SharedLimits
from webinar.web import (
    admin,
    api,
    assets,
    certificates,
    live,
    open_data,
    public,
    shutdown,
    watch,
    webhooks,
)
from webinar.web.access_log import access_log_middleware
from webinar.web.keys import CSRF, LOGIN_THROTTLE, RATE_LIMITER, RESOURCES
from webinar.web.middleware import error_middleware, headers_middleware, language_middleware
from webinar.web.security import TRUSTED_PROXIES, Csrf, LoginThrottle, RateLimit

MAX_BODY = 8 * 1024 * 1024  # the largest body any route takes (attendance exports)

Background = Callable[[Resources], AbstractAsyncContextManager[None]]


def create_app(settings: Settings | None = None, *, clock: Clock | None = None,
               background: Background | None = None) -> web.Application:
    """The web app. `background`, when given, runs beside it for its whole life with the
    same resources (the CLI passes the embedded scheduler)."""
    settings = settings or Settings()
    app = web.Application(
        client_max_size=MAX_BODY,
        middlewares=[access_log_middleware, headers_middleware, language_middleware,
                     error_middleware],
    )
    settings.org_logo_data_uri()  # a logo that is too big or not an image stops the start
    secret = settings.ensure_secret_key()
    app[CSRF] = Csrf(secret, secure_cookie=settings.base_url.startswith("https://"))
    app[RATE_LIMITER] = RateLimit("register", *parse_rate(settings.rate_limit))
    app[LOGIN_THROTTLE] = LoginThrottle()
    app[TRUSTED_PROXIES] = parse_networks(settings.trusted_proxies)

    async def resources_ctx(app: web.Application) -> AsyncIterator[None]:
        async with open_resources(settings, clock or SystemClock()) as res:
            app[RESOURCES] = res
            if isinstance(res.store, SharedLimits):
                # Several web processes on one PostgreSQL database: one limit for all.
                for limit in (app[RATE_LIMITER], app[LOGIN_THROTTLE]):
                    limit.share(res.store.limits, secret, res.now)
            if background is None:
                yield
            else:
                async with background(res):
                    yield

    app.cleanup_ctx.append(resources_ctx)
    public.setup(app)
    api.setup(app)
    admin.setup(app)
    live.setup(app)
    webhooks.setup(app)
    watch.setup(app)
    assets.setup(app)
    certificates.setup(app)
    open_data.setup(app)
    shutdown.setup(app)
    return app
