"""Public pages: the event page and its form, the manage page, the invite and the join link."""

from __future__ import annotations

from functools import partial

from aiohttp import web
from pydantic import ValidationError

from webinar.attendance import joining
from webinar.attendance import service as attendance_service
from webinar.certificates import service as certificates
from webinar.errors import EventNotFound, RegistrationClosed, RegistrationNotFound
from webinar.events import service as events_service
from webinar.events.model import Event
from webinar.i18n import LANGUAGE_COOKIE, LANGUAGES, format_time_left
from webinar.identity import host_for
from webinar.links import event_link, join_link, mail_domain, manage_link
from webinar.mail.calendar import google_link, invite, outlook_link
from webinar.registrations import service as registration_service
from webinar.registrations.fields import DetailsIn, RegistrationIn
from webinar.registrations.model import Registration
from webinar.validation import field_errors
from webinar.web import choices, form_parts, watch
from webinar.web.keys import RATE_LIMITER
from webinar.web.request_keys import LANG, LANG_CHOSEN
from webinar.web.responses import form_refusal, gettext, lang, read_form, render, resources
from webinar.web.security import HONEYPOT_FIELD, client_address


def setup(app: web.Application) -> None:
    app.router.add_get("/", index, name="index")
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/events/{slug}", event_page, name="event")
    app.router.add_post("/events/{slug}/register", register)
    app.router.add_get("/events/{slug}/register", register_get)
    app.router.add_get("/r/{token}", manage_page, name="manage")
    app.router.add_get("/r/{token}/calendar.ics", calendar_file)
    app.router.add_get("/r/{token}/cancel", cancel_page, name="cancel")
    app.router.add_post("/r/{token}/cancel", cancel)
    app.router.add_get("/r/{token}/details", details_page, name="details")
    app.router.add_post("/r/{token}/details", update_details)
    app.router.add_get("/j/{join_token}", join)


async def healthz(request: web.Request) -> web.Response:
    await resources(request).store.ping()
    return web.json_response({"status": "ok"})


async def index(request: web.Request) -> web.Response:
    res = resources(request)
    return render(request, "index.html",
                  {"events": await events_service.upcoming(res.store, res.now())})


async def _public_event(request: web.Request) -> Event:
    try:
        event = await events_service.get(resources(request).store, request.match_info["slug"])
    except EventNotFound:
        raise web.HTTPNotFound() from None
    if not event.is_public():
        raise web.HTTPNotFound()
    return event


async def _event_context(request: web.Request, event: Event) -> dict:
    res = resources(request)
    return {
        "event": event,
        "open": event.accepts_registrations(res.now()),
        "ended": res.now() >= event.ends_at,
        "seats_left": await events_service.seats_left(res.store, event),
        "country_options": partial(choices.country_options, lang(request)),
        "sectors": [(s.code, s.label(lang(request))) for s in event.sectors],
        "blank_fields": None,  # a form that came back is written out with its input
    }


async def event_page(request: web.Request) -> web.Response:
    event = await _public_event(request)
    ctx = await _event_context(request, event)
    form = form_parts.blank_form(lang(request))
    ctx.update(form=form, errors={}, notice=None, posted=False,
               blank_fields=form_parts.blank_fields(resources(request).templates,
                                                    lang(request), event))
    return render(request, "event.html", ctx)


async def _form_again(request: web.Request, event: Event, form: dict, errors: dict,
                      status: int, notice: str | None = None) -> web.Response:
    ctx = await _event_context(request, event)
    kept = {k: form.get(k, "") for k in form_parts.FIELDS}
    ctx.update(form=kept, errors=errors, notice=notice, posted=True)
    return render(request, "event.html", ctx, status=status)


async def register_get(request: web.Request) -> web.Response:
    """The form's action opened as a page (a reload, a link copied from the address bar):
    the event page, in the language asked for, rather than a 405."""
    event = await _public_event(request)
    target = request.app.router["event"].url_for(slug=event.slug)
    if request.query.get("lang") in LANGUAGES:
        target = target.with_query(lang=request.query["lang"])
    raise web.HTTPSeeOther(target)


async def register(request: web.Request) -> web.Response:
    res = resources(request)
    event = await _public_event(request)
    form = await read_form(request)
    switch = form.get("switch_language")
    if switch in LANGUAGES:
        # The form again in the other language, as typed, nothing validated or stored;
        # the choice sticks like the header link's (cookie), and no input enters a URL.
        request[LANG] = request[LANG_CHOSEN] = switch
        return await _form_again(request, event, form | {"language": switch}, {}, 200)
    _ = gettext(request)
    allowed, wait = await request.app[RATE_LIMITER].allow(client_address(request))
    if not allowed:
        response = await _form_again(
            request, event, form, {}, 429,
            notice=_("Too many sign-ups from your connection. Please wait a minute and send "
                     "the form again."))
        response.headers["Retry-After"] = str(int(wait) + 1)
        return response
    if form.get(HONEYPOT_FIELD):
        return await _form_again(request, event, form, {}, 400,
                                 notice=_("Please leave the last field empty."))
    refusal = form_refusal(request, form.get("csrf_token"), _(
        "This form has expired. Please check your details and send it again."))
    if refusal:
        return await _form_again(request, event, form, {}, 400, notice=refusal)
    form.setdefault("language", lang(request))
    try:
        data = RegistrationIn.model_validate(form, context={"sectors": event.sector_codes})
    except ValidationError as exc:
        return await _form_again(request, event, form, field_errors(exc, _), 422,
                                 notice=_("Please correct the fields marked below."))
    try:
        outcome = await registration_service.register(res.store, res.now(), event, data)
    except RegistrationClosed:
        return await _form_again(request, event, form, {}, 409,
                                 notice=_("Registration for this event is closed."))
    res.nudge()
    if outcome.duplicate:
        return render(request, "already_registered.html", {"event": event, "email": data.email})
    # Returned, not raised (as the join link's): a raised redirect leaves an exception and
    # its traceback in reference cycles, garbage that only the cyclic collector frees.
    welcome = request.app.router["manage"].url_for(
        token=outcome.registration.token).with_query(welcome="1")
    return web.Response(status=303, headers={"Location": str(welcome)})


async def _by_token(request: web.Request) -> tuple[Registration, Event]:
    res = resources(request)
    token = request.match_info["token"]
    try:
        reg = await registration_service.get_by_token(res.store, token)
    except RegistrationNotFound:
        raise web.HTTPNotFound() from None
    event = await events_service.get_by_id(res.store, reg.event_id)
    _speak_their_language(request, reg)
    return reg, event


def _speak_their_language(request: web.Request, reg: Registration) -> None:
    """A page reached from a mail speaks the registrant's language unless they chose another."""
    if LANG_CHOSEN not in request and LANGUAGE_COOKIE not in request.cookies:
        request[LANG] = reg.language


async def manage_page(request: web.Request) -> web.Response:
    reg, event = await _by_token(request)
    res = resources(request)
    ctx = {
        "event": event, "reg": reg,
        "join_link": join_link(res.settings, reg), "manage_link": manage_link(res.settings, reg),
        "sector_label": event.sector_label(reg.sector, lang(request)),
        "welcome": request.query.get("welcome") == "1",
        "just_cancelled": request.query.get("cancelled") == "1",
        "just_updated": request.query.get("updated") == "1",
        "place_in_line": await registration_service.waitlist_position(res.store, reg),
        "ended": res.now() >= event.ends_at,
        "can_reregister": event.accepts_registrations(res.now()),
        "google_link": google_link(event, event_link(res.settings, event.slug)),
        "outlook_link": outlook_link(event, event_link(res.settings, event.slug)),
        "certificate": await certificates.certificate_for(res.store, res.settings, event, reg,
                                                          res.now()) is not None,
    }
    return render(request, "manage.html", ctx, headers={"Cache-Control": "no-store"})


async def calendar_file(request: web.Request) -> web.Response:
    reg, event = await _by_token(request)
    res = resources(request)
    host = host_for(res.settings, event)
    body = invite(event, reg, join_link=join_link(res.settings, reg),
                  manage_link=manage_link(res.settings, reg), now=res.now(),
                  domain=mail_domain(res.settings), cancelled=reg.status == "cancelled",
                  organizer_name=host.name, organizer_email=host.contact)
    return web.Response(body=body, content_type="text/calendar", charset="utf-8", headers={
        "Content-Disposition": f'attachment; filename="{event.slug}.ics"',
        "Cache-Control": "no-store",
    })


async def _cancel_form(request: web.Request, reg: Registration, event: Event,
                       refusal: str | None = None) -> web.Response:
    # "Your seat goes to the next person": only for a seat holder, with someone waiting.
    seat_passes_on = reg.status == "confirmed" and (
        await events_service.registration_counts(resources(request).store, event)
    )["waitlisted"] > 0
    return render(request, "cancel.html", {"event": event, "reg": reg, "refusal": refusal,
                                           "seat_passes_on": seat_passes_on},
                  status=400 if refusal else 200, headers={"Cache-Control": "no-store"})


async def cancel_page(request: web.Request) -> web.Response:
    """'Cancel your seat?': a page whose form cancels, so the manage page needs no form."""
    reg, event = await _by_token(request)
    if reg.status == "cancelled" or resources(request).now() >= event.ends_at:
        raise web.HTTPSeeOther(request.app.router["manage"].url_for(token=reg.token))
    return await _cancel_form(request, reg, event)


async def cancel(request: web.Request) -> web.Response:
    reg, event = await _by_token(request)
    res = resources(request)
    form = await read_form(request)
    _ = gettext(request)
    refusal = form_refusal(request, form.get("csrf_token"), _(
        "This form has expired. If you still want to cancel, press the button again."))
    if refusal:
        # Say so, and offer the button again with a fresh token; nothing changed.
        return await _cancel_form(request, reg, event, refusal)
    await registration_service.cancel(res.store, res.now(), event, reg.token)
    res.nudge()
    raise web.HTTPSeeOther(
        request.app.router["manage"].url_for(token=reg.token).with_query(cancelled="1"))


DETAIL_FORM_FIELDS = ("name", "organization", "position", "language")


def _details_form(request: web.Request, reg: Registration, event: Event, form: dict,
                  errors: dict, status: int = 200, notice: str | None = None) -> web.Response:
    return render(request, "details.html", {
        "event": event, "reg": reg, "form": form, "errors": errors, "notice": notice,
    }, status=status, headers={"Cache-Control": "no-store"})


async def details_page(request: web.Request) -> web.Response:
    """Correct one's name, organization, position or language (not a reason to cancel)."""
    reg, event = await _by_token(request)
    if reg.status == "cancelled":
        raise web.HTTPSeeOther(request.app.router["manage"].url_for(token=reg.token))
    form = {f: getattr(reg, f) for f in DETAIL_FORM_FIELDS}
    return _details_form(request, reg, event, form, {})


async def update_details(request: web.Request) -> web.Response:
    reg, event = await _by_token(request)
    res = resources(request)
    _ = gettext(request)
    form = await read_form(request)
    kept = {f: form.get(f, "") for f in DETAIL_FORM_FIELDS}
    refusal = form_refusal(request, form.get("csrf_token"), _(
        "This form has expired. Please check your details and send it again."))
    if refusal:
        return _details_form(request, reg, event, kept, {}, 400, notice=refusal)
    try:
        data = DetailsIn.model_validate(form)
    except ValidationError as exc:
        return _details_form(request, reg, event, kept, field_errors(exc, _), 422,
                             notice=_("Please correct the fields marked below."))
    await registration_service.update_details(res.store, res.now(), reg.token, data)
    raise web.HTTPSeeOther(
        request.app.router["manage"].url_for(token=reg.token).with_query(updated="1"))


async def join(request: web.Request) -> web.Response:
    """The personal join link: records the visit (`attendance.service.record_join`), then
    on time goes straight to the platform; otherwise a page that says why not yet (with
    the start time) or what is left (the recording). The link may have been forwarded:
    the page shows nothing personal and offers no way to manage."""
    res = resources(request)
    token = request.match_info["join_token"]
    try:
        reg, event, manage_token = await registration_service.get_for_join(res.store, token)
    except RegistrationNotFound:
        raise web.HTTPNotFound() from None
    _speak_their_language(request, reg)
    now = res.now()
    decision = joining.decide(event, reg, now, manage_token=manage_token)
    await attendance_service.record_join(res.store, now, event, reg)
    no_store = {"Cache-Control": "no-store"}
    if decision.enters and event.embed_url:
        return watch.page(request, event, reg)
    if decision.enters and event.join_url:  # decide() never enters without a link
        # Returned, not raised: the hottest answer skips building an exception.
        return web.Response(status=303, headers={"Location": event.join_url, **no_store})
    # "Try again" goes to the join token's link, never echoing a (legacy) manage token.
    return render(request, "join.html", {
        "event": event, "state": decision.state, "retry": f"/j/{reg.join_token}",
        "doors_open_in": format_time_left(event.doors_open_at() - now),
    }, headers=no_store)
