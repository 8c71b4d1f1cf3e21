"""Organizer pages for an event's wrap-up: "send follow-ups" (the held thank-you / sorry
mails, now, once) and "send the report again" (a new report mail at each press). Both are
form posts with the form token from the event page, and go back to it."""

from __future__ import annotations

from aiohttp import web

from webinar.links import mail_domain
from webinar.web.admin import managed_event
from webinar.web.keys import CSRF
from webinar.web.responses import gettext, read_form, render, resources
from webinar.wrapup import service as wrapup


def setup(app: web.Application) -> None:
    app.router.add_post("/admin/events/{slug}/followups", send_followups,
                        name="admin_followups")
    app.router.add_post("/admin/events/{slug}/report/send", send_report,
                        name="admin_report_send")


async def _refuse(request: web.Request, message: str, status: int) -> web.Response:
    return render(request, "error.html", {"status": status, "message": message}, status)


async def _posted(request: web.Request):
    event = await managed_event(request)
    form = await read_form(request)
    if not request.app[CSRF].valid(request, form.get("csrf_token")):
        _ = gettext(request)
        return event, await _refuse(request, _("This form has expired. Please send it again."),
                                    400)
    return event, None


def _back(request: web.Request, slug: str, done: str) -> web.HTTPSeeOther:
    url = request.app.router["admin_event"].url_for(slug=slug).with_query(wrapup=done)
    return web.HTTPSeeOther(str(url))


async def send_followups(request: web.Request) -> web.Response:
    event, refused = await _posted(request)
    if refused is not None:
        return refused
    res = resources(request)
    _ = gettext(request)
    try:
        await wrapup.send_followups_now(res.store, event, res.now(), mail_domain(res.settings))
    except wrapup.NotEnded:
        return await _refuse(request, _("The follow-ups can be sent once the event has "
                                        "ended."), 409)
    except wrapup.NothingToSend:
        return await _refuse(request, _("The follow-ups were sent already, or this event "
                                        "has none to send."), 409)
    res.nudge()
    raise _back(request, event.slug, "followups")


async def send_report(request: web.Request) -> web.Response:
    event, refused = await _posted(request)
    if refused is not None:
        return refused
    res = resources(request)
    _ = gettext(request)
    try:
        await wrapup.send_report_again(res.store, event, res.now(), mail_domain(res.settings))
    except wrapup.NotEnded:
        return await _refuse(request, _("The report can be mailed once the event has "
                                        "ended."), 409)
    except wrapup.NothingToSend:
        return await _refuse(request, _("The wrap-up of this event is not planned yet; "
                                        "please try again in a minute."), 409)
    res.nudge()
    raise _back(request, event.slug, "report")
