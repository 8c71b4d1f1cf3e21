"""Organizer pages under /admin: sign-in, an event's registrations and mail, the attendance
report and the import of a platform's attendance export. The events list and the event
forms are in webinar.web.admin_events."""

from __future__ import annotations

from aiohttp import web
from pydantic import ValidationError

from webinar.attendance import imports as attendance_imports
from webinar.attendance import service as attendance_service
from webinar.clock import from_db
from webinar.errors import EventNotFound
from webinar.events import service as events_service
from webinar.events.model import Event
from webinar.i18n import format_short
from webinar.mail import delivery as deliveries_service
from webinar.organizers import accounts as organizers_service
from webinar.organizers.accounts import SESSION_LIFETIME, Organizer
from webinar.reports import render_html
from webinar.reports.service import build_report
from webinar.web import report_files
from webinar.web.keys import CSRF, LOGIN_THROTTLE
from webinar.web.queries import AttendanceImportQuery
from webinar.web.responses import gettext, lang, read_form, read_multipart, render, resources
from webinar.web.security import client_address
from webinar.wrapup import service as wrapup_service

SESSION_COOKIE = "admin_session"


def setup(app: web.Application) -> None:
    from webinar.web import admin_events  # it builds on this module

    admin_events.setup(app)  # the events list (/admin/), create, edit, status, invitations
    app.router.add_get("/admin/login", login_page, name="admin_login")
    app.router.add_post("/admin/login", login)
    app.router.add_post("/admin/logout", logout)
    app.router.add_get("/admin", to_dashboard)
    app.router.add_get("/admin/events/{slug}", event_page, name="admin_event")
    app.router.add_get("/admin/events/{slug}/report", report_page, name="admin_report")
    app.router.add_post("/admin/events/{slug}/attendance/import", import_attendance,
                        name="admin_import")
    from webinar.web import admin_wrapup  # it imports this module's helpers
    admin_wrapup.setup(app)
    from webinar.web import admin_registrants  # it imports this module's helpers
    admin_registrants.setup(app)


async def to_dashboard(request: web.Request) -> web.Response:
    raise web.HTTPFound("/admin/")


async def current_organizer(request: web.Request) -> Organizer | None:
    res = resources(request)
    return await organizers_service.by_session(res.store, res.now(),
                                               request.cookies.get(SESSION_COOKIE))


async def _require(request: web.Request) -> Organizer:
    organizer = await current_organizer(request)
    if organizer is None:
        raise web.HTTPSeeOther(
            request.app.router["admin_login"].url_for().with_query(next=request.path))
    return organizer


def _safe_next(value: str | None) -> str:
    # Only our own admin pages: never an open redirect.
    if value and value.startswith("/admin/") and "//" not in value and "\\" not in value:
        return value
    return "/admin/"


async def login_page(request: web.Request) -> web.Response:
    return render(request, "admin/login.html",
                  {"email": "", "error": None, "next": _safe_next(request.query.get("next"))})


async def login(request: web.Request) -> web.Response:
    res = resources(request)
    _ = gettext(request)
    form = await read_form(request)
    email, address = form.get("email", "")[:254], client_address(request)
    ctx = {"email": form.get("email", ""), "next": _safe_next(form.get("next"))}
    throttle = request.app[LOGIN_THROTTLE]
    allowed, wait = await throttle.attempt(email, address)
    if not allowed:
        return render(request, "admin/login.html",
                      {**ctx, "error": _("Too many attempts. Please wait a minute.")}, 429,
                      headers={"Retry-After": str(int(wait) + 1)})
    if not request.app[CSRF].valid(request, form.get("csrf_token")):
        return render(request, "admin/login.html",
                      {**ctx, "error": _("This form has expired. Please send it again.")}, 400)
    organizer = await organizers_service.check_password(
        res.store, email, form.get("password", "")[:1024])
    if organizer is None:
        await throttle.failed(email, address)
        return render(request, "admin/login.html",
                      {**ctx, "error": _("Wrong email or password.")}, 401)
    await throttle.succeeded(email, address)
    raise await start_session(request, organizer, ctx["next"])


async def start_session(request: web.Request, organizer: Organizer,
                        next_url: str) -> web.HTTPSeeOther:
    """Sign the organizer in: a new session and its cookie, on a redirect to `next_url`."""
    res = resources(request)
    token = await organizers_service.open_session(res.store, res.now(), organizer)
    response = web.HTTPSeeOther(next_url)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="Lax", path="/admin",
                        secure=res.settings.base_url.startswith("https://"),
                        max_age=int(SESSION_LIFETIME.total_seconds()))
    return response


async def logout(request: web.Request) -> web.Response:
    """Sign out: with a valid form token the session ends on the server, and its cookie
    goes with it. Without one (a forged or stale form) a live session is left exactly as
    it was, cookie included, and the page offers the button again."""
    form = await read_form(request)
    token = request.cookies.get(SESSION_COOKIE)
    signed_in = await current_organizer(request) is not None
    if signed_in and not request.app[CSRF].valid(request, form.get("csrf_token")):
        return render(request, "admin/logout.html", status=400)
    response = web.HTTPSeeOther("/admin/login")
    if token:
        # Accepted, or a session that was already dead: row and cookie go together.
        await organizers_service.close_session(resources(request).store, token)
        response.del_cookie(SESSION_COOKIE, path="/admin")
    # No cookie sent (a cross-site post under SameSite=Lax): leave the browser's alone.
    raise response


async def managed_event(request: web.Request) -> Event:
    """The event of the path, if the signed-in organizer may manage it; 404 otherwise."""
    organizer = await _require(request)
    try:
        event = await events_service.get(resources(request).store, request.match_info["slug"])
    except EventNotFound:
        raise web.HTTPNotFound() from None
    if not event.can_manage(organizer.id, organizer.email):
        raise web.HTTPNotFound()
    return event


async def event_page(request: web.Request) -> web.Response:
    event = await managed_event(request)
    res = resources(request)
    counts = await events_service.registration_counts(res.store, event)
    status = request.query.get("mail")
    status = status if status in deliveries_service.STATUSES else None
    summary = await deliveries_service.summary(res.store, event.id)
    recent = await deliveries_service.recent(res.store, event.id, status, limit=200)
    _ = gettext(request)
    return render(request, "admin/event.html", {
        "event": event, "counts": counts, "summary": summary, "deliveries": recent,
        "mail_status": status, "statuses": deliveries_service.STATUSES,
        "status_label": lambda code: _(deliveries_service.STATUS_LABELS.get(code, code)),
        "kind_label": lambda code: _(deliveries_service.KIND_LABELS.get(code, code)),
        "error_label": lambda text: (_(deliveries_service.SKIP_LABELS[text])
                                     if text in deliveries_service.SKIP_LABELS else text),
        "local": lambda text: format_short(from_db(text), event.timezone, lang(request)),
        "wrapup": await wrapup_service.state(res.store, event), "now": res.now(),
        "request_wrapup": request.query.get("wrapup"),
    })


XLSX_TYPE = report_files.XLSX_TYPE  # the registrants' export uses it too


async def report_page(request: web.Request) -> web.Response:
    """The attendance report as a printable page in the page's language, or as a download
    (`?format=csv`: UTF-8 with a BOM so Excel reads the accents; `?format=xlsx`)."""
    event = await managed_event(request)
    res = resources(request)
    wanted = request.query.get("format", "html")
    if wanted not in ("html", "csv", "xlsx"):
        raise web.HTTPNotFound()
    language = lang(request)
    report = await build_report(res.store, event, res.now())
    if wanted in report_files.FORMATS:
        return report_files.download(report, wanted, language)
    _ = gettext(request)
    url = request.app.router["admin_report"].url_for(slug=event.slug)
    links = [(str(request.app.router["admin_event"].url_for(slug=event.slug)),
              _("Back to the event")),
             (str(url.with_query(format="csv")), _("Download CSV")),
             (str(url.with_query(format="xlsx")), _("Download Excel (XLSX)"))]
    page = render_html(report, language, res.templates, links)
    response = web.Response(text=page, content_type="text/html", charset="utf-8")
    response.enable_compression()
    return response


# --- attendance import ---------------------------------------------------------------

IMPORT_BODY_LIMIT = 8 * 1024 * 1024  # webinar.app.MAX_BODY (imported there: no cycle here)
IMPORT_SOURCES = ("zoom", "teams", "meet")


async def import_attendance(request: web.Request) -> web.Response:
    """The organizer page's import of a platform's attendance export (multipart: `file`,
    `source`, `timezone`, the form token): the same service as the API and the CLI, its
    outcome or the form again with the reason in the organizer's language."""
    event = await managed_event(request)
    fields, uploads = await read_multipart(request, IMPORT_BODY_LIMIT, files=("file",))
    _ = gettext(request)
    form = {"source": fields.get("source", ""), "timezone": fields.get("timezone", "")}

    def again(error: str, status: int) -> web.Response:
        return render(request, "admin/import.html", {
            "event": event, "form": form, "error": error, "outcome": None,
            "sources": IMPORT_SOURCES}, status)

    if not request.app[CSRF].valid(request, fields.get("csrf_token")):
        return again(_("This form has expired. Please send it again."), 400)
    try:
        options = AttendanceImportQuery.model_validate(
            {"source": form["source"] or None, "timezone": form["timezone"].strip() or None})
    except ValidationError:
        return again(_("Choose a source from the list and a time zone such as "
                       "America/Guatemala."), 422)
    data = uploads.get("file", b"")
    if not data:
        return again(_("Choose the export file to import."), 400)
    res = resources(request)
    try:
        outcome = await attendance_service.import_export(
            res.store, res.now(), event, data, options.source, options.timezone)
    except attendance_imports.ImportProblem as exc:
        return again(exc.translated(_), 422)
    res.nudge()
    return render(request, "admin/import.html", {
        "event": event, "form": form, "error": None, "sources": IMPORT_SOURCES,
        "outcome": outcome, "zone": options.timezone or event.timezone,
        "reason": lambda text: _(text)})
