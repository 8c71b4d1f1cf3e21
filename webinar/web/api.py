"""The JSON API under /api/v1 (see openapi.py for its document)."""

from __future__ import annotations

from aiohttp import web
from pydantic import ValidationError

from webinar.attendance import imports as attendance_imports
from webinar.attendance import service as attendance_service
from webinar.errors import EventNotFound, RegistrationClosed, SlugTaken
from webinar.events import service as events_service
from webinar.events.fields import EventFields
from webinar.events.model import Event
from webinar.i18n import N_
from webinar.links import join_link, manage_link
from webinar.mail import delivery as deliveries_service
from webinar.organizers import accounts as organizers_service
from webinar.organizers import invitations
from webinar.organizers.accounts import Organizer
from webinar.registrations import service as registration_service
from webinar.registrations.fields import RegistrationIn
from webinar.registrations.model import Registration
from webinar.reports.service import build_report
from webinar.validation import field_errors
from webinar.web import report_files
from webinar.web.keys import RATE_LIMITER
from webinar.web.openapi import openapi_document
from webinar.web.queries import (
    AttendanceImportQuery,
    DeliveriesQuery,
    RegistrationsQuery,
    ReportQuery,
)
from webinar.web.responses import (
    PUBLIC_BODY_LIMIT,
    gettext,
    json_error,
    json_exception,
    json_response,
    lang,
    read_body,
    read_json,
    read_multipart,
    resources,
)
from webinar.web.security import client_address

ORGANIZER_BODY_LIMIT = 256 * 1024


def setup(app: web.Application) -> None:
    app.router.add_get("/api/v1/openapi.json", openapi)
    app.router.add_post("/api/v1/events", create_event)
    app.router.add_get("/api/v1/events/{slug}", get_event)
    app.router.add_patch("/api/v1/events/{slug}", patch_event)
    app.router.add_post("/api/v1/events/{slug}/registrations", create_registration)
    app.router.add_get("/api/v1/events/{slug}/deliveries", list_deliveries)
    app.router.add_get("/api/v1/events/{slug}/registrations", list_registrations,
                       name="api_registrations")
    app.router.add_post("/api/v1/events/{slug}/attendance/import", import_attendance)
    app.router.add_get("/api/v1/events/{slug}/report", get_report)
    from webinar.web import api_wrapup  # it imports this module's helpers
    api_wrapup.setup(app)


async def openapi(request: web.Request) -> web.Response:
    return json_response(openapi_document(resources(request).settings.base_url))


# --- helpers -------------------------------------------------------------------------

async def _organizer(request: web.Request) -> Organizer:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    organizer = None
    if scheme.lower() == "bearer" and token.strip():
        organizer = await organizers_service.by_bearer(resources(request).store, token.strip())
    if organizer is None:
        _ = gettext(request)
        raise json_exception(web.HTTPUnauthorized, "unauthorized",
                             _("Send Authorization: Bearer TOKEN."),
                             headers={"WWW-Authenticate": "Bearer"})
    return organizer


async def _event(request: web.Request) -> Event:
    try:
        return await events_service.get(resources(request).store, request.match_info["slug"])
    except EventNotFound:
        raise web.HTTPNotFound() from None


async def _managed_event(request: web.Request) -> tuple[Organizer, Event]:
    organizer = await _organizer(request)
    event = await _event(request)
    if not event.can_manage(organizer.id, organizer.email):
        raise web.HTTPForbidden()
    return organizer, event


async def _json_object(request: web.Request, limit: int) -> dict:
    body = await read_json(request, limit)
    if not isinstance(body, dict):
        _ = gettext(request)
        message = _("The body must be a JSON object.")
        raise json_exception(web.HTTPUnprocessableEntity, "invalid_input", message,
                             {"__all__": message})
    return body


def _query(request: web.Request) -> dict[str, str]:
    """Query parameters with empty ones left out (`?status=` means no filter)."""
    return {k: v for k, v in request.query.items() if v}


def _invalid(request: web.Request, exc: ValidationError) -> web.Response:
    _ = gettext(request)
    return json_error(422, "invalid_input", _("Please correct the fields marked below."),
                      field_errors(exc, _))


async def event_json(request: web.Request, event: Event, full: bool) -> dict:
    res = resources(request)
    counts = await events_service.registration_counts(res.store, event)
    data = {
        "slug": event.slug, "title": event.title, "description": event.description,
        "speakers": event.speakers,
        "starts_at": event.starts_at.astimezone(event.zone).isoformat(),
        "ends_at": event.ends_at.astimezone(event.zone).isoformat(),
        "timezone": event.timezone, "capacity": event.capacity,
        "sectors": [{"code": s.code, "es": s.es, "en": s.en} for s in event.sectors],
        "status": event.status,
        "registration_open": event.accepts_registrations(res.now()),
        "registered": counts["confirmed"], "waitlisted": counts["waitlisted"],
        "seats_left": event.seats_left(counts["confirmed"]),
        "url": f"{res.settings.base_url}/events/{event.slug}",
    }
    if full:
        data.update(event.fields())
        data["sequence"] = event.sequence
        data["cancelled"] = counts["cancelled"]
    return data


def registration_json(request: web.Request, reg: Registration) -> dict:
    settings = resources(request).settings
    return {
        "id": reg.id, "email": reg.email, "name": reg.name, "organization": reg.organization,
        "position": reg.position, "sector": reg.sector, "country": reg.country,
        "language": reg.language, "status": reg.status,
        "created_at": reg.created_at.isoformat(),
        "join_link": join_link(settings, reg), "manage_link": manage_link(settings, reg),
    }


# --- events --------------------------------------------------------------------------

async def get_event(request: web.Request) -> web.Response:
    event = await _event(request)
    full = False
    if request.headers.get("Authorization"):
        organizer = await _organizer(request)
        full = event.can_manage(organizer.id, organizer.email)
    if not event.is_public() and not full:
        raise web.HTTPNotFound()
    return json_response(await event_json(request, event, full))


async def create_event(request: web.Request) -> web.Response:
    organizer = await _organizer(request)
    body = await _json_object(request, ORGANIZER_BODY_LIMIT)
    res = resources(request)
    body.setdefault("timezone", res.settings.timezone)
    try:
        fields = EventFields.model_validate(body)
    except ValidationError as exc:
        return _invalid(request, exc)
    try:
        event = await events_service.create(
            res.store, res.now(), fields, organizer.id,
            inviter=invitations.inviter_for(res, organizer.id, lang(request)))
    except SlugTaken:
        _ = gettext(request)
        return json_error(409, "slug_taken", _("That address is taken by another event."),
                          {"slug": _("That address is taken by another event.")})
    res.nudge()
    return json_response(await event_json(request, event, True), status=201)


async def patch_event(request: web.Request) -> web.Response:
    organizer, event = await _managed_event(request)
    body = await _json_object(request, ORGANIZER_BODY_LIMIT)
    res = resources(request)
    try:
        # Merged into the event as stored inside the service's transaction, validated there;
        # organizer addresses without an account are invited there too, as the pages do.
        updated = await events_service.update(
            res.store, res.now(), event.id, body,
            inviter=invitations.inviter_for(res, organizer.id, lang(request)))
    except ValidationError as exc:
        return _invalid(request, exc)
    except SlugTaken:
        _ = gettext(request)
        return json_error(409, "slug_taken", _("That address is taken by another event."),
                          {"slug": _("That address is taken by another event.")})
    res.nudge()
    return json_response(await event_json(request, updated, True))


# --- registrations -------------------------------------------------------------------

ALREADY = N_("This address is already registered; we sent its links to it again.")


async def create_registration(request: web.Request) -> web.Response:
    event = await _event(request)
    if not event.is_public():
        raise web.HTTPNotFound()
    allowed, wait = await request.app[RATE_LIMITER].allow(client_address(request))
    if not allowed:
        _ = gettext(request)
        return json_error(429, "rate_limited", _("Too many requests; try again in a minute."),
                          headers={"Retry-After": str(int(wait) + 1)})
    body = await _json_object(request, PUBLIC_BODY_LIMIT)
    body.setdefault("language", lang(request))
    try:
        data = RegistrationIn.model_validate(body, context={"sectors": event.sector_codes})
    except ValidationError as exc:
        return _invalid(request, exc)
    res = resources(request)
    _ = gettext(request)
    try:
        outcome = await registration_service.register(res.store, res.now(), event, data)
    except RegistrationClosed:
        return json_error(409, "registration_closed",
                          _("Registration for this event is closed."))
    res.nudge()
    if outcome.duplicate:
        return json_error(409, "already_registered", _(ALREADY), {"email": _(ALREADY)})
    return json_response(registration_json(request, outcome.registration), status=201)


async def list_registrations(request: web.Request) -> web.Response:
    _organizer_, event = await _managed_event(request)
    try:
        query = RegistrationsQuery.model_validate(_query(request))
    except ValidationError as exc:
        return _invalid(request, exc)
    res = resources(request)
    regs = await registration_service.page(res.store, event, query.after,
                                           query.limit, query.status)
    attendance = await attendance_service.attendance_of(res.store, event,
                                                        [r.id for r in regs], res.now())
    items = []
    for reg in regs:
        item = registration_json(request, reg)
        seen = attendance[reg.id]
        item.update(attended=seen.attended, minutes=seen.minutes)
        items.append(item)
    next_url = None
    if len(regs) == query.limit:
        params = {"after": str(regs[-1].id), "limit": str(query.limit)}
        if query.status:
            params["status"] = query.status
        url = request.app.router["api_registrations"].url_for(slug=event.slug).with_query(params)
        next_url = f"{resources(request).settings.base_url}{url}"
    return json_response({"registrations": items, "next": next_url})


async def list_deliveries(request: web.Request) -> web.Response:
    """The event's mail: counts per kind and status, and the latest rows (with errors)."""
    _organizer_, event = await _managed_event(request)
    try:
        status = DeliveriesQuery.model_validate(_query(request)).status
    except ValidationError as exc:
        return _invalid(request, exc)
    store = resources(request).store
    rows = await deliveries_service.recent(store, event.id, status, limit=500)
    return json_response({
        "summary": await deliveries_service.summary(store, event.id),
        "deliveries": [{
            "id": r["id"], "kind": r["kind"], "detail": r["detail"],
            "registration_id": r["registration_id"], "recipient": r["recipient"],
            "status": r["status"], "attempts": r["attempts"], "due_at": r["due_at"],
            "sent_at": r["sent_at"], "last_error": r["last_error"],
        } for r in rows],
    })


# --- attendance ----------------------------------------------------------------------

IMPORT_BODY_LIMIT = 8 * 1024 * 1024  # webinar.app.MAX_BODY: a forum's export is far smaller
UPLOAD_FIELD = "file"


async def _upload(request: web.Request) -> bytes:
    """The export: the whole body (text/*, application/octet-stream) or the multipart
    field `file`; 415 for any other type, 400 for a multipart body without the field."""
    _ = gettext(request)
    ctype = request.content_type
    if ctype.startswith("text/") or ctype in ("application/octet-stream", ""):
        return await read_body(request, IMPORT_BODY_LIMIT)
    if ctype != "multipart/form-data":
        raise json_exception(web.HTTPUnsupportedMediaType, "unsupported_media_type",
                             _("Send the export as text/csv or as the multipart field file."))
    missing = json_exception(web.HTTPBadRequest, "missing_file",
                             _("Send the export as the multipart field file."),
                             {UPLOAD_FIELD: _("This field is required.")})
    try:
        _fields, uploads = await read_multipart(request, IMPORT_BODY_LIMIT, (UPLOAD_FIELD,))
    except web.HTTPBadRequest:  # not well-formed multipart
        raise missing from None
    if UPLOAD_FIELD not in uploads:
        raise missing
    return uploads[UPLOAD_FIELD]


async def import_attendance(request: web.Request) -> web.Response:
    """A platform's attendance export, matched to the event's registrations by email."""
    _organizer_, event = await _managed_event(request)
    try:
        query = AttendanceImportQuery.model_validate(_query(request))
    except ValidationError as exc:
        return _invalid(request, exc)
    data = await _upload(request)
    res = resources(request)
    _ = gettext(request)
    try:
        outcome = await attendance_service.import_export(
            res.store, res.now(), event, data, query.source, query.timezone)
    except attendance_imports.UnknownTimezone as exc:
        message = exc.translated(_)
        return json_error(422, "invalid_input", message, {"timezone": message})
    except attendance_imports.ImportProblem as exc:
        return json_error(422, "not_an_export", exc.translated(_))
    res.nudge()
    return json_response(outcome.as_dict(_))


# --- report --------------------------------------------------------------------------

async def get_report(request: web.Request) -> web.Response:
    """The attendance report (live during the event, final after it), as the contract's
    JSON (the sector labels in both languages), or with `?format=csv|xlsx` as that file in
    the request's language, as the organizer page's downloads."""
    _organizer_, event = await _managed_event(request)
    try:
        query = ReportQuery.model_validate(_query(request))
    except ValidationError as exc:
        return _invalid(request, exc)
    res = resources(request)
    report = await build_report(res.store, event, res.now())
    if query.format != "json":
        return report_files.download(report, query.format, lang(request))
    return json_response(report.to_json())
