"""Typed keys of the aiohttp application."""

from aiohttp import web

from webinar.runtime import Resources
from webinar.web.security import Csrf, LoginThrottle, RateLimit

RESOURCES = web.AppKey("resources", Resources)
CSRF = web.AppKey("csrf", Csrf)
RATE_LIMITER = web.AppKey("rate_limiter", RateLimit)
LOGIN_THROTTLE = web.AppKey("login_throttle", LoginThrottle)
