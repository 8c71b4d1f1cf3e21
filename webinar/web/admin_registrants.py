"""Organizer pages for an event's registrants: the table (search, filters, sort, pages, all
in the query string of a plain GET form), its exports (CSV, XLSX), the actions on one
person (check in, cancel, promote from the waitlist, send the links again) and a message
to the confirmed registrants or the filtered set. Rules live in webinar.registrations
(listing, actions, broadcast, exports); these views parse, call, render."""

from __future__ import annotations

import secrets
from functools import partial
from typing import Any
from urllib.parse import parse_qsl, urlencode

from aiohttp import web
from pydantic import ValidationError

from webinar.clock import from_db
from webinar.errors import RegistrationNotFound
from webinar.events.model import Event
from webinar.i18n import format_short
from webinar.links import mail_domain
from webinar.registrations import actions, broadcast, exports, listing
from webinar.registrations.listing import RegistrantsQuery
from webinar.validation import field_errors
from webinar.web import choices
from webinar.web.admin import XLSX_TYPE, _require, managed_event
from webinar.web.keys import CSRF
from webinar.web.responses import gettext, lang, read_form, render, resources

ACTIONS = ("checkin", "cancel", "promote", "resend")
MESSAGE_BODY_LIMIT = 64 * 1024


def setup(app: web.Application) -> None:
    app.router.add_get("/admin/events/{slug}/registrants", registrants_page,
                       name="admin_registrants")
    app.router.add_get("/admin/events/{slug}/registrants/export", export,
                       name="admin_registrants_export")
    app.router.add_post("/admin/events/{slug}/registrants/{id:\\d{1,18}}/{action}", act,
                        name="admin_registrant_action")
    app.router.add_get("/admin/events/{slug}/registrants/message", message_page,
                       name="admin_registrants_message")
    app.router.add_post("/admin/events/{slug}/registrants/message", send_message)


def parse_query(pairs: Any) -> tuple[RegistrantsQuery, bool]:
    """The table's query from the query string; a value that is not understood is
    dropped (the rest still applies). Returns (query, whether something was dropped)."""
    values = {k: v for k, v in dict(pairs).items() if k in RegistrantsQuery.model_fields}
    try:
        return RegistrantsQuery.model_validate(values), False
    except ValidationError as exc:
        bad = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
        kept = {k: v for k, v in values.items() if k not in bad}
        try:
            return RegistrantsQuery.model_validate(kept), True
        except ValidationError:
            return RegistrantsQuery(), True


def _table_context(request: web.Request, event: Event, query: RegistrantsQuery) -> dict:
    _ = gettext(request)
    language = lang(request)
    base = request.app.router["admin_registrants"].url_for(slug=event.slug)

    def link(**changes: object) -> str:
        return str(base.with_query(query.params(**changes)))

    def sort_link(key: str) -> str:
        order = "desc" if query.sort == key and query.order == "asc" else "asc"
        return link(sort=key, order=order, page=1)

    return {
        "event": event, "query": query, "link": link, "sort_link": sort_link,
        "sectors": [(s.code, s.label(language)) for s in event.sectors],
        "country_options": partial(choices.country_options, language),
        "statuses": listing.STATUSES,
        "status_label": lambda code: _(listing.STATUS_LABELS.get(code, code)),
        "sort_label": lambda code: _(listing.SORT_LABELS[code]), "sorts": listing.SORTS,
        "sector_label": lambda code: event.sector_label(code, language),
        "local": lambda moment: format_short(moment, event.timezone, language),
        "query_string": urlencode(query.params()),
        "export_csv": str(request.app.router["admin_registrants_export"].url_for(
            slug=event.slug).with_query({**query.params(page=1), "format": "csv"})),
        "export_xlsx": str(request.app.router["admin_registrants_export"].url_for(
            slug=event.slug).with_query({**query.params(page=1), "format": "xlsx"})),
        "message_link": str(request.app.router["admin_registrants_message"].url_for(
            slug=event.slug).with_query(query.params(page=1))),
        "form_key": secrets.token_urlsafe(18),
    }


async def _render_table(request: web.Request, event: Event, query: RegistrantsQuery,
                        notice: str | None = None, notice_kind: str = "ok",
                        dropped: bool = False, status: int = 200) -> web.Response:
    res = resources(request)
    result = await listing.page(res.store, res.attendance, event, query, res.now())
    counts = await res.store.registrations.counts(event.id)
    ctx = _table_context(request, event, query)
    ctx.update(result=result, counts=counts, notice=notice, notice_kind=notice_kind,
               dropped=dropped)
    return render(request, "admin/registrants.html", ctx, status)


async def registrants_page(request: web.Request) -> web.Response:
    event = await managed_event(request)
    query, dropped = parse_query(request.query)
    return await _render_table(request, event, query, dropped=dropped)


async def export(request: web.Request) -> web.Response:
    event = await managed_event(request)
    query, _dropped = parse_query(request.query)
    wanted = request.query.get("format")
    res = resources(request)
    if wanted == "csv":
        body = await exports.to_csv(res.store, res.attendance, event, query, res.now(),
                                    lang(request))
        ctype, charset = "text/csv", "utf-8"
    elif wanted == "xlsx":
        body = await exports.to_xlsx(res.store, res.attendance, event, query, res.now(),
                                     lang(request))
        ctype, charset = XLSX_TYPE, None
    else:
        raise web.HTTPNotFound()
    name = exports.filename(event, res.now(), wanted)
    response = web.Response(body=body, content_type=ctype, charset=charset,
                            headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return response


def _action_message(request: web.Request, action: str, outcome: Any, name: str,
                    event: Event) -> tuple[str, str]:
    """(what happened, in the organizer's language; ok or bad)."""
    _ = gettext(request)
    who = {"name": name}
    if action == "checkin":
        texts = {
            "checked_in": _("%(name)s is checked in."),
            "already": _("%(name)s was already checked in; nothing changed."),
            "not_confirmed": _("Only confirmed registrations can be checked in."),
            "too_early": _("Check-in opens when the doors open."),
        }
        text = texts[outcome.outcome] % who
        if outcome.outcome in ("checked_in", "already") and not outcome.attended:
            text += " " + _("A check-in is presence without minutes: this event counts "
                            "attendance from %(minutes)s minutes.") % {
                                "minutes": event.min_minutes_attended}
        return text, "ok" if outcome.outcome in ("checked_in", "already") else "bad"
    if action == "cancel":
        text = _("The registration of %(name)s is cancelled; they were told by email.") % who
        if outcome.promoted is not None:
            text += " " + _("%(name)s got the seat from the waitlist and was told by "
                            "email.") % {"name": outcome.promoted.name}
        return text, "ok"
    if action == "promote":
        if outcome.outcome != "promoted":
            return _("%(name)s is not on the waitlist; nothing changed.") % who, "bad"
        text = _("%(name)s has a seat now and was told by email.") % who
        if outcome.over_capacity:
            text += " " + _("The event now has %(confirmed)s confirmed registrations for "
                            "%(capacity)s seats.") % {"confirmed": outcome.confirmed,
                                                     "capacity": event.capacity}
        return text, "ok"
    if outcome:
        return _("The links of %(name)s are on their way to their address.") % who, "ok"
    return _("Nothing was sent: these links were already sent from this page, or the "
             "registration is cancelled.") % who, "bad"


async def act(request: web.Request) -> web.Response:
    event = await managed_event(request)
    action = request.match_info["action"]
    if action not in ACTIONS:
        raise web.HTTPNotFound()
    form = await read_form(request)
    query, _dropped = parse_query(parse_qsl(form.get("back", ""), max_num_fields=20))
    _ = gettext(request)
    if not request.app[CSRF].valid(request, form.get("csrf_token")):
        return await _render_table(request, event, query,
                                   _("This form has expired. Please send it again."), "bad",
                                   status=400)
    res = resources(request)
    try:
        reg = await actions.registration_of(res.store, event, int(request.match_info["id"]))
    except RegistrationNotFound:
        raise web.HTTPNotFound() from None
    now = res.now()
    outcome: Any
    if action == "checkin":
        outcome = await actions.check_in(res.store, now, event, reg)
    elif action == "cancel":
        outcome = await actions.cancel(res.store, now, event, reg)
    elif action == "promote":
        outcome = await actions.promote(res.store, now, event, reg)
    else:
        outcome = await actions.resend_links(res.store, now, event, reg,
                                             form.get("form_key", ""),
                                             mail_domain(res.settings))
    res.nudge()
    text, kind = _action_message(request, action, outcome, reg.name, event)
    return await _render_table(request, event, query, text, kind)


# --- a message to registrants ----------------------------------------------------------

async def _message_context(request: web.Request, event: Event,
                           query: RegistrantsQuery) -> dict:
    res = resources(request)
    chosen = broadcast.audience(query)
    total = 0
    if chosen.status in broadcast.AUDIENCE_STATUSES:
        ids, _seen = await listing.matching_ids(res.store, res.attendance, event, chosen,
                                                   res.now())
        total = len(ids)
    ctx = _table_context(request, event, query)
    ctx.update(audience=chosen, recipients=total,
               sent=await broadcast.recent(res.store, event),
               local_text=lambda text: ctx["local"](from_db(text)))
    return ctx


async def message_page(request: web.Request) -> web.Response:
    event = await managed_event(request)
    query, _dropped = parse_query(request.query)
    ctx = await _message_context(request, event, query)
    ctx.update(form={"subject": "", "body": ""}, errors={}, outcome=None)
    return render(request, "admin/message.html", ctx)


async def send_message(request: web.Request) -> web.Response:
    organizer = await _require(request)
    event = await managed_event(request)
    form = await read_form(request, MESSAGE_BODY_LIMIT)
    query, _dropped = parse_query(parse_qsl(form.get("back", ""), max_num_fields=20))
    _ = gettext(request)
    ctx = await _message_context(request, event, query)
    ctx.update(form={"subject": form.get("subject", ""), "body": form.get("body", "")},
               errors={}, outcome=None)
    if not request.app[CSRF].valid(request, form.get("csrf_token")):
        ctx["errors"] = {"__all__": _("This form has expired. Please send it again.")}
        return render(request, "admin/message.html", ctx, 400)
    try:
        data = broadcast.BroadcastIn.model_validate(form)
    except ValidationError as exc:
        ctx["errors"] = field_errors(exc, _)
        return render(request, "admin/message.html", ctx, 422)
    res = resources(request)
    sent = await broadcast.send(res.store, res.attendance, res.now(), event, organizer.id,
                                data, query, mail_domain(res.settings))
    res.nudge()
    ctx = await _message_context(request, event, query)
    ctx.update(form={"subject": "", "body": ""}, errors={}, outcome=sent)
    return render(request, "admin/message.html", ctx)
