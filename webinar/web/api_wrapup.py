"""The API's wrap-up actions, the JSON twins of the organizer page's buttons:
POST /api/v1/events/{slug}/followups (send the held follow-ups now, once) and
POST /api/v1/events/{slug}/report/send (mail the report again). Organizer bearer token;
403 for anyone else, as the rest of the API."""

from __future__ import annotations

from aiohttp import web

from webinar.links import mail_domain
from webinar.web.api import _managed_event
from webinar.web.responses import gettext, json_error, json_response, resources
from webinar.wrapup import service as wrapup


def setup(app: web.Application) -> None:
    app.router.add_post("/api/v1/events/{slug}/followups", send_followups)
    app.router.add_post("/api/v1/events/{slug}/report/send", send_report)


async def send_followups(request: web.Request) -> web.Response:
    """200 with the number planned and the wrap-up's state; 409 before the end
    (`not_ended`) or when there is nothing to send (`already_sent`)."""
    _organizer_, event = await _managed_event(request)
    res = resources(request)
    _ = gettext(request)
    try:
        planned = await wrapup.send_followups_now(res.store, event, res.now(),
                                                  mail_domain(res.settings))
    except wrapup.NotEnded:
        return json_error(409, "not_ended",
                          _("The follow-ups can be sent once the event has ended."))
    except wrapup.NothingToSend:
        return json_error(409, "already_sent", _("The follow-ups were sent already, or this "
                                                 "event has none to send."))
    res.nudge()
    state = await wrapup.state(res.store, event)
    return json_response({"planned": planned, "wrapup": state.to_json()})


async def send_report(request: web.Request) -> web.Response:
    """202 with the number of this sending and its recipients; 409 before the end."""
    _organizer_, event = await _managed_event(request)
    res = resources(request)
    _ = gettext(request)
    try:
        number, recipients = await wrapup.send_report_again(res.store, event, res.now(),
                                                            mail_domain(res.settings))
    except wrapup.NotEnded:
        return json_error(409, "not_ended",
                          _("The report can be mailed once the event has ended."))
    except wrapup.NothingToSend:
        return json_error(409, "not_planned", _("The wrap-up of this event is not planned "
                                                "yet; please try again in a minute."))
    res.nudge()
    return json_response({"sending": number, "recipients": recipients}, status=202)
