"""Organizer pages for managing events: the list of the organizer's events, the create and
edit forms (every field of EventFields, validated by the same model and service as the
API), the status buttons (publish, close and reopen registration, cancel after a
confirmation), duplicating an event as the start of the next one, and the page where an
invited co-organizer sets a password.

Views parse, call a service and render: rules live in webinar.events.service (statuses,
listing order, the copy) and webinar.organizers.invitations (who is invited, the link)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import ValidationError

from webinar.errors import SlugTaken, WrongStatus
from webinar.events import service as events_service
from webinar.events.fields import EventFields
from webinar.events.model import Event
from webinar.i18n import N_, format_short, utc_offset_label
from webinar.organizers import accounts as organizers_service
from webinar.organizers import invitations
from webinar.validation import field_errors
from webinar.web import admin, event_form
from webinar.web.keys import CSRF
from webinar.web.responses import gettext, lang, read_form, render, resources

FORM_BODY_LIMIT = 256 * 1024


def setup(app: web.Application) -> None:
    app.router.add_get("/admin/", events_list, name="admin")
    app.router.add_get("/admin/events/new", new_event_page, name="admin_new_event")
    app.router.add_post("/admin/events/new", create_event)
    app.router.add_get("/admin/events/{slug}/edit", edit_page, name="admin_edit_event")
    app.router.add_post("/admin/events/{slug}/edit", save_event)
    app.router.add_post("/admin/events/{slug}/duplicate", duplicate_event)
    app.router.add_get("/admin/events/{slug}/cancel", cancel_page, name="admin_cancel_event")
    for action in events_service.ACTIONS:
        app.router.add_post(f"/admin/events/{{slug}}/{action}", _action_view(action))
    app.router.add_get("/admin/invite/{token}", invite_page)
    app.router.add_post("/admin/invite/{token}", accept_invite)


# --- the list ------------------------------------------------------------------------

async def events_list(request: web.Request) -> web.Response:
    organizer = await admin._require(request)
    res = resources(request)
    now = res.now()
    pairs = await events_service.for_organizer(res.store, organizer.id, organizer.email, now)
    _ = gettext(request)
    language = lang(request)
    items = [{"event": e, "confirmed": row["confirmed"], "waitlisted": row["waitlisted"],
              "over": e.ends_at <= now,
              "starts": format_short(e.starts_at, e.timezone, language)} for e, row in pairs]
    return render(request, "admin/dashboard.html", {
        "items": items,
        "status_label": lambda code: _(events_service.STATUS_LABELS.get(code, code)),
    })


# --- create and edit -----------------------------------------------------------------

def _form_page(request: web.Request, *, form: dict[str, Any], errors: dict[str, str],
               event: Event | None, status: int = 200, notice: str | None = None,
               copy_of: Event | None = None) -> web.Response:
    _ = gettext(request)
    zone = form.get("timezone") or resources(request).settings.timezone
    offset = ""
    if event is not None:
        offset = utc_offset_label(event.starts_at.astimezone(event.zone))
    actions = {}
    if event is not None:
        actions = {name: events_service.action_applies(name, event)
                   for name in events_service.ACTIONS}
    return render(request, "admin/event_form.html", {
        "form": form, "errors": errors, "event": event, "notice": notice,
        "copy_of": copy_of, "actions": actions,
        "sectors": event_form.sector_rows(form), "zone": zone, "offset": offset,
        "common_zones": event_form.COMMON_ZONES, "other_zones": event_form.other_zones(),
        "status_label": lambda code: _(events_service.STATUS_LABELS.get(code, code)),
        "local": (lambda moment: format_short(moment, event.timezone, lang(request)))
        if event else None,
    }, status)


async def new_event_page(request: web.Request) -> web.Response:
    organizer = await admin._require(request)
    res = resources(request)
    form = event_form.blank(res.settings.timezone, organizer.email, res.now())
    return _form_page(request, form=form, errors={}, event=None)


def _expired(request: web.Request) -> dict[str, str]:
    _ = gettext(request)
    return {"__all__": _("This form has expired. Please send it again.")}


def _invalid(request: web.Request, exc: ValidationError) -> dict[str, str]:
    _ = gettext(request)
    errors = field_errors(exc, _)
    errors.setdefault("__all__", _("Please correct the fields marked below."))
    return errors


def _slug_taken(request: web.Request) -> dict[str, str]:
    _ = gettext(request)
    return {"__all__": _("Please correct the fields marked below."),
            "slug": _("That address is taken by another event.")}


def _to_edit(request: web.Request, event: Event, **query: str | int) -> web.HTTPSeeOther:
    url = request.app.router["admin_edit_event"].url_for(slug=event.slug)
    return web.HTTPSeeOther(url.with_query({k: str(v) for k, v in query.items()}))


async def create_event(request: web.Request) -> web.Response:
    organizer = await admin._require(request)
    res = resources(request)
    form = await read_form(request, FORM_BODY_LIMIT)
    if not request.app[CSRF].valid(request, form.get("csrf_token")):
        return _form_page(request, form=form, errors=_expired(request), event=None,
                          status=400)
    body = event_form.to_body(form, res.settings.timezone, with_status=True)
    try:
        fields = EventFields.model_validate(body)
    except ValidationError as exc:
        return _form_page(request, form=form, errors=_invalid(request, exc), event=None,
                          status=422)
    inviter = invitations.inviter_for(res, organizer.id, lang(request))
    try:
        event = await events_service.create(res.store, res.now(), fields, organizer.id,
                                            inviter=inviter)
    except SlugTaken:
        return _form_page(request, form=form, errors=_slug_taken(request), event=None,
                          status=409)
    res.nudge()
    raise _to_edit(request, event, done="created", invited=len(inviter.invited))


NOTICES = {
    "created": N_("The event was created."), "saved": N_("Your changes were saved."),
    "publish": N_("The event is published."), "close": N_("Registration is closed."),
    "reopen": N_("Registration is open again."),
    "cancel": N_("The event is cancelled. Every registrant is being told by mail."),
    "expired": N_("This form has expired. Please send it again."),
}


def _notice(request: web.Request) -> str | None:
    _ = gettext(request)
    parts = []
    done = request.query.get("done")
    if done in NOTICES:
        parts.append(_(NOTICES[done]))
    invited = request.query.get("invited", "")
    if invited.isdigit() and int(invited) > 0:
        parts.append(_("An invitation to set a password went to %(count)s new organizer "
                       "address(es).") % {"count": int(invited)})
    return " ".join(parts) or None


async def edit_page(request: web.Request) -> web.Response:
    event = await admin.managed_event(request)
    return _form_page(request, form=event_form.from_fields(event.fields()), errors={},
                      event=event, notice=_notice(request))


async def save_event(request: web.Request) -> web.Response:
    organizer = await admin._require(request)
    event = await admin.managed_event(request)
    res = resources(request)
    form = await read_form(request, FORM_BODY_LIMIT)
    if not request.app[CSRF].valid(request, form.get("csrf_token")):
        return _form_page(request, form=form, errors=_expired(request), event=event,
                          status=400)
    # Every field of the form, PATCH-style: the service merges them into the event as
    # stored and records only what differs (a moved start re-plans and tells registrants).
    changes = event_form.to_body(form, res.settings.timezone, with_status=False)
    inviter = invitations.inviter_for(res, organizer.id, lang(request))
    try:
        updated = await events_service.update(res.store, res.now(), event.id, changes,
                                              inviter=inviter)
    except ValidationError as exc:
        return _form_page(request, form=form, errors=_invalid(request, exc), event=event,
                          status=422)
    except SlugTaken:
        return _form_page(request, form=form, errors=_slug_taken(request), event=event,
                          status=409)
    res.nudge()
    raise _to_edit(request, updated, done="saved", invited=len(inviter.invited))


async def duplicate_event(request: web.Request) -> web.Response:
    """The new-event form filled with a copy of this event (nothing is stored until the
    organizer sends it): every field but the slug, a week later, as a draft."""
    event = await admin.managed_event(request)
    form = await read_form(request)
    if not request.app[CSRF].valid(request, form.get("csrf_token")):
        raise _to_edit(request, event)
    fields = await events_service.copy_of(resources(request).store, event)
    return _form_page(request, form=event_form.from_fields(fields), errors={}, event=None,
                      copy_of=event)


# --- status buttons ------------------------------------------------------------------

async def cancel_page(request: web.Request) -> web.Response:
    event = await admin.managed_event(request)
    counts = await events_service.registration_counts(resources(request).store, event)
    return render(request, "admin/cancel_event.html", {
        "event": event, "counts": counts,
        "applies": events_service.action_applies("cancel", event)})


def _action_view(action: str):
    async def view(request: web.Request) -> web.Response:
        event = await admin.managed_event(request)
        res = resources(request)
        form = await read_form(request)
        if not request.app[CSRF].valid(request, form.get("csrf_token")):
            raise _to_edit(request, event, done="expired")
        if action == "cancel" and form.get("confirm") != "yes":
            raise web.HTTPSeeOther(
                request.app.router["admin_cancel_event"].url_for(slug=event.slug))
        try:
            event = await events_service.act(res.store, res.now(), event.id, action)
        except WrongStatus:
            raise _to_edit(request, event) from None
        res.nudge()
        raise _to_edit(request, event, done=action)

    view.__name__ = f"{action}_event"
    view.__doc__ = f"POST button: {action} (see webinar.events.service.ACTIONS)."
    return view


# --- invitations ---------------------------------------------------------------------

async def invite_page(request: web.Request) -> web.Response:
    res = resources(request)
    invitation = await invitations.usable(res.store, res.now(), request.match_info["token"])
    if invitation is None:
        return render(request, "admin/invite.html", {"email": None, "errors": {}}, 404)
    return render(request, "admin/invite.html", {"email": invitation["email"], "errors": {}})


async def accept_invite(request: web.Request) -> web.Response:
    res = resources(request)
    _ = gettext(request)
    token = request.match_info["token"]
    invitation = await invitations.usable(res.store, res.now(), token)
    if invitation is None:
        return render(request, "admin/invite.html", {"email": None, "errors": {}}, 404)
    form = await read_form(request)
    ctx: dict[str, Any] = {"email": invitation["email"]}

    def again(errors: dict[str, str], status: int) -> web.Response:
        return render(request, "admin/invite.html", {**ctx, "errors": errors}, status)

    if not request.app[CSRF].valid(request, form.get("csrf_token")):
        return again({"__all__": _("This form has expired. Please send it again.")}, 400)
    password = form.get("password", "")
    if len(password) < organizers_service.MIN_PASSWORD:
        return again({"password": _("Use at least 8 characters.")}, 422)
    if len(password) > organizers_service.MAX_PASSWORD:
        return again({"password": _("This is too long.")}, 422)
    if password != form.get("password_again", ""):
        return again({"password_again": _("The two passwords differ.")}, 422)
    try:
        organizer = await invitations.accept(res.store, res.now(), token, password)
    except invitations.InvitationInvalid:
        return render(request, "admin/invite.html", {"email": None, "errors": {}}, 404)
    except invitations.AccountExists:
        return again({"__all__": _("This address has an account already: sign in with "
                                   "it.")}, 409)
    raise await admin.start_session(request, organizer, "/admin/")
