"""The organizers' live view: `GET /admin/events/{slug}/live`, a server-rendered page
(a "Refresh" link is the fallback; no `<meta refresh>`), and
`GET /admin/events/{slug}/live/stream`, server-sent events that read the database every
few seconds (so the numbers are right with several processes) and send them as JSON when
they change, with a keep-alive comment in between. A small inline script, allowed by a
nonce in this page's own Content-Security-Policy, applies them to the page.

A stream ends when the client goes away, when the app shuts down, or after
`STREAM_SECONDS` (the browser's EventSource then reconnects by itself), so nothing is
held for ever. The numbers come from `webinar.attendance.live.live_numbers`.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Any

from aiohttp import web

from webinar.attendance import live
from webinar.errors import EventNotFound
from webinar.events import service as events_service
from webinar.events.model import Event
from webinar.i18n import N_
from webinar.web.admin import managed_event
from webinar.web.middleware import SECURITY_HEADERS
from webinar.web.responses import gettext, lang, render, resources

POLL_SECONDS = 3.0  # how often a stream reads the database
KEEPALIVE_SECONDS = 15.0  # a comment line at least this often, so proxies keep it open
STREAM_SECONDS = 3600.0  # a stream's longest life; the browser reconnects after it
RETRY_MS = 5000  # what the browser waits before reconnecting

# Tests (and a deployment that wants it) may set these on the app before it starts.
LIVE_POLL_SECONDS = web.AppKey("live_poll_seconds", float)
LIVE_STREAM_SECONDS = web.AppKey("live_stream_seconds", float)
LIVE_CLOSING = web.AppKey("live_closing", asyncio.Event)

SOURCE_LABELS = {
    live.CLICK: N_("join link"),
    "heartbeat": N_("watch page"),
    "zoom_webhook": N_("Zoom"),
    "checkin": N_("check-in"),
}


def setup(app: web.Application) -> None:
    app[LIVE_CLOSING] = asyncio.Event()

    async def closing(app: web.Application) -> None:
        app[LIVE_CLOSING].set()

    app.on_shutdown.append(closing)
    app.router.add_get("/admin/events/{slug}/live", live_page, name="admin_live")
    app.router.add_get("/admin/events/{slug}/live/stream", live_stream)


def payload(request: web.Request, event: Event, numbers: live.LiveNumbers) -> dict[str, Any]:
    """The numbers as the page and the stream show them, labels in the page's language."""
    _ = gettext(request)
    language = lang(request)
    zone = event.zone
    codes = list(dict.fromkeys([*numbers.present_by_sector, *numbers.clicked_by_sector]))
    if numbers.state == "before":
        state_text = _("The doors open at %(time)s.") % {
            "time": numbers.window_start.astimezone(zone).strftime("%H:%M")}
    elif numbers.state == "ended":
        state_text = _("The event has ended.")
    else:
        state_text = _("The event is on.")
    return {
        "updated": numbers.at.astimezone(zone).strftime("%H:%M:%S"),
        "state": numbers.state,
        "state_text": state_text,
        "recent_minutes": numbers.recent_minutes,
        "present": numbers.present,
        "walk_ins": numbers.walk_ins,
        "clicked": numbers.clicked,
        "sectors": [{"code": code, "label": event.sector_label(code, language),
                     "present": numbers.present_by_sector.get(code, 0),
                     "clicked": numbers.clicked_by_sector.get(code, 0)} for code in codes],
        "latest": [{"time": j.at.astimezone(zone).strftime("%H:%M:%S"), "name": j.name,
                    "sector": (event.sector_label(j.sector, language) if j.sector
                               else _("walk-in")),
                    "source": _(SOURCE_LABELS[j.source]) if j.source in SOURCE_LABELS
                    else j.source}
                   for j in numbers.latest],
    }


async def _current(request: web.Request, event: Event) -> dict[str, Any]:
    res = resources(request)
    return payload(request, event, await live.live_numbers(res.store, event, res.now()))


def _csp(nonce: str) -> str:
    """The site's policy, plus this page's own script (by nonce) and its stream."""
    return (SECURITY_HEADERS["Content-Security-Policy"]
            + f"; script-src 'nonce-{nonce}'; connect-src 'self'")


async def live_page(request: web.Request) -> web.Response:
    event = await managed_event(request)
    nonce = secrets.token_urlsafe(18)
    return render(request, "admin/live.html",
                  {"event": event, "live": await _current(request, event), "nonce": nonce},
                  headers={"Content-Security-Policy": _csp(nonce),
                           "Cache-Control": "no-store"})


def _changed(previous: dict[str, Any] | None, current: dict[str, Any]) -> bool:
    """Whether anything but the time of reading differs."""
    return previous is None or {**previous, "updated": None} != {**current, "updated": None}


async def live_stream(request: web.Request) -> web.StreamResponse:
    event = await managed_event(request)
    res = resources(request)
    app = request.app
    poll = app.get(LIVE_POLL_SECONDS, POLL_SECONDS)
    closing = app[LIVE_CLOSING]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + app.get(LIVE_STREAM_SECONDS, STREAM_SECONDS)
    response = web.StreamResponse(headers={
        **SECURITY_HEADERS, "Content-Type": "text/event-stream; charset=utf-8",
        "Cache-Control": "no-store", "X-Accel-Buffering": "no"})
    await response.prepare(request)
    previous: dict[str, Any] | None = None
    last_write = loop.time()
    try:
        await response.write(f"retry: {RETRY_MS}\n\n".encode())
        first = True  # the current numbers go out once however short the stream's life
        while first or (loop.time() < deadline and not closing.is_set()):
            first = False
            if request.transport is None or request.transport.is_closing():
                break  # the client went away
            try:
                event = await events_service.get_by_id(res.store, event.id)
            except EventNotFound:
                break
            current = await _current(request, event)
            if _changed(previous, current):
                data = json.dumps(current, separators=(",", ":"))
                await response.write(f"data: {data}\n\n".encode())
                previous, last_write = current, loop.time()
            elif loop.time() - last_write >= KEEPALIVE_SECONDS:
                await response.write(b": keep-alive\n\n")
                last_write = loop.time()
            wait = min(poll, deadline - loop.time())
            if wait > 0:
                try:
                    await asyncio.wait_for(closing.wait(), wait)
                except TimeoutError:
                    pass
    except ConnectionResetError:
        pass  # the client went away while we wrote
    return response
