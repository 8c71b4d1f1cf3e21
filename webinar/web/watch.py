"""The watch page and its heartbeat: for an event with an `embed_url` (a player on the
allow-list of webinar.events.embed), the join link shows the player inside our page
during the doors-open window, and a small script beats `POST /j/{join_token}/heartbeat`
with `navigator.sendBeacon` every minute, so minutes are measured
(`attendance.service.record_heartbeat`). Without JavaScript the player still plays and a
plain link leads to the platform.

Only this page's Content-Security-Policy lets a frame come from the player's origin
(frame-src), its one inline script run (a nonce) and the beacon go out (connect-src
'self'); every other page keeps the strict policy. The player gets our origin as its
Referer (YouTube's player requires one), never the path holding the join token.

The heartbeat carries no CSRF form token (sendBeacon cannot send one): the join token in
its path is its authority, as it is for the join link itself. It counts at most one beat
per token every 20 seconds, and answers 204 with nothing personal.
"""

from __future__ import annotations

import secrets

from aiohttp import web

from webinar.attendance import service as attendance_service
from webinar.errors import RegistrationNotFound
from webinar.events import embed
from webinar.events.model import Event
from webinar.registrations import service as registration_service
from webinar.registrations.model import Registration
from webinar.web.keys import RESOURCES
from webinar.web.middleware import content_security_policy
from webinar.web.responses import render, resources
from webinar.web.security import RateLimiter

HEARTBEAT_LIMITER = web.AppKey("heartbeat_limiter", RateLimiter)
BEAT_EVERY_SECONDS = 60
COUNTED_EVERY_SECONDS = 20


def setup(app: web.Application) -> None:
    # On the app's own clock (a FakeClock in tests), read when a beat arrives.
    app[HEARTBEAT_LIMITER] = RateLimiter(
        1, COUNTED_EVERY_SECONDS, monotonic=lambda: app[RESOURCES].now().timestamp())
    app.router.add_post("/j/{join_token}/heartbeat", heartbeat)


def page(request: web.Request, event: Event, reg: Registration) -> web.Response:
    """The watch page for a registration that may enter now (the join view decided)."""
    assert event.embed_url
    nonce = secrets.token_urlsafe(18)
    csp = content_security_policy(frame_src=embed.frame_origin(event.embed_url),
                                  script_src=f"'nonce-{nonce}'", connect_src="'self'")
    player = embed.player_of(event.embed_url)
    return render(request, "watch.html", {
        "event": event, "nonce": nonce, "beat_url": f"/j/{reg.join_token}/heartbeat",
        "beat_every_ms": BEAT_EVERY_SECONDS * 1000,
        "platform": player.name if player else "",
        "allow": player.allow if player else "",
        "platform_url": event.join_url or event.embed_url,
    }, headers={"Cache-Control": "no-store", "Content-Security-Policy": csp})


async def heartbeat(request: web.Request) -> web.Response:
    res = resources(request)
    token = request.match_info["join_token"]
    try:
        reg, event, _manage_token = await registration_service.get_for_join(res.store, token)
    except RegistrationNotFound:
        raise web.HTTPNotFound() from None
    allowed, _wait = await request.app[HEARTBEAT_LIMITER].allow(token)
    if allowed:
        await attendance_service.record_heartbeat(res.store, res.now(), event, reg)
    return web.Response(status=204, headers={"Cache-Control": "no-store"})
