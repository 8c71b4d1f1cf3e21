"""Certificate pages: the participant's PDF from their manage link, and the public
verification page whose address is printed on every certificate."""

from __future__ import annotations

from aiohttp import web

from webinar.certificates import rules
from webinar.certificates import service as certificates
from webinar.errors import RegistrationNotFound
from webinar.events import service as events_service
from webinar.events.model import Event
from webinar.i18n import LANGUAGE_COOKIE
from webinar.registrations import service as registration_service
from webinar.registrations.model import Registration
from webinar.web.request_keys import LANG, LANG_CHOSEN
from webinar.web.responses import lang, render, resources

NO_STORE = {"Cache-Control": "no-store"}


def setup(app: web.Application) -> None:
    app.router.add_get("/r/{token}/certificate.pdf", download, name="certificate_pdf")
    app.router.add_get("/certificates/{code}", verification, name="certificate_verify")


async def _holder(request: web.Request) -> tuple[Registration, Event]:
    res = resources(request)
    try:
        reg = await registration_service.get_by_token(res.store, request.match_info["token"])
    except RegistrationNotFound:
        raise web.HTTPNotFound() from None
    if LANG_CHOSEN not in request and LANGUAGE_COOKIE not in request.cookies:
        request[LANG] = reg.language  # a link from a mail speaks the registrant's language
    return reg, await events_service.get_by_id(res.store, reg.event_id)


def _why_not(event: Event, reg: Registration, minutes: int | None,
             ended: bool) -> str:
    """Which explanation the page gives when there is no certificate."""
    if not rules.offered(event) or event.status == "cancelled":
        return "not_offered"
    if reg.status != "confirmed":
        return "not_confirmed"
    if not ended:
        return "not_ended"
    return "too_few_minutes" if minutes is not None else "not_offered"


async def download(request: web.Request) -> web.Response:
    """The PDF when earned (in the page's language); otherwise a 404 page that says why."""
    reg, event = await _holder(request)
    res = resources(request)
    now = res.now()
    certificate = await certificates.certificate_for(res.store, res.settings, event, reg, now,
                                                     lang=lang(request))
    if certificate is not None:
        return web.Response(body=certificate.pdf(), content_type=certificates.PDF_TYPE,
                            headers={**NO_STORE, "Content-Disposition":
                                     f'attachment; filename="{certificate.filename}"'})
    ended = now >= event.ends_at
    minutes = (await certificates.minutes_of(res.store, event, reg, now)
               if rules.offered(event) and ended else None)
    return render(request, "certificate.html", {
        "event": event, "reg": reg, "mode": "missing",
        "reason": _why_not(event, reg, minutes, ended), "minutes": minutes or 0,
        "needed": event.certificate_minutes or 0,
    }, status=404, headers=NO_STORE)


async def verification(request: web.Request) -> web.Response:
    """Says whether a certificate is genuine and, if so, whose and for which event."""
    res = resources(request)
    found = await certificates.verify(res.store, res.settings, request.match_info["code"],
                                      res.now(), lang(request))
    return render(request, "certificate.html", {"mode": "verify", "found": found},
                  status=200 if found else 404,
                  headers={"Cache-Control": "no-store", "X-Robots-Tag": "noindex"})
