"""The `webinar` command line (also `python -m webinar`)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from typing import TYPE_CHECKING

from webinar.settings import Settings, load_settings
from webinar.store.errors import DatabaseUnavailable

if TYPE_CHECKING:
    import jinja2
    from aiohttp import web

    from webinar.app import Background
    from webinar.reports.model import Report


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="webinar", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the web app (and the scheduler, by default)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--no-scheduler", action="store_true",
                       help="do not start the scheduler (run `webinar scheduler` apart)")
    serve.add_argument("--demo", action="store_true",
                       help="add a sample forum with registrations")
    serve.add_argument("--workers", type=int, default=1, metavar="N",
                       help="N web processes on one port (SO_REUSEPORT); the first starts"
                            " the scheduler process (see webinar/workers.py)")

    sub.add_parser("scheduler", help="run the scheduler alone")
    sub.add_parser("migrate", help="apply database migrations")

    org = sub.add_parser("organizer", help="organizer accounts")
    org_sub = org.add_subparsers(dest="action", required=True)
    create = org_sub.add_parser("create", help="create an organizer (or set a new password)")
    create.add_argument("email")
    create.add_argument("--password-stdin", action="store_true", required=True,
                        help="read the password from standard input")

    token = sub.add_parser("token", help="API tokens")
    token_sub = token.add_subparsers(dest="action", required=True)
    token_create = token_sub.add_parser("create", help="print a new API token")
    token_create.add_argument("email")

    deliveries = sub.add_parser("deliveries", help="the mail of an event: sent, pending, failed")
    deliveries.add_argument("slug")
    deliveries.add_argument("--status", choices=["pending", "sending", "sent", "failed",
                                                 "skipped"])
    deliveries.add_argument("--limit", type=int, default=100)

    attendance = sub.add_parser("attendance", help="attendance from the platforms")
    attendance_sub = attendance.add_subparsers(dest="action", required=True)
    attendance_import = attendance_sub.add_parser(
        "import", help="import a platform's attendance export (Zoom, Teams, Meet)")
    attendance_import.add_argument("slug")
    attendance_import.add_argument("file")
    attendance_import.add_argument("--source", choices=["zoom", "teams", "meet"],
                                   help="check the file is this platform's (default: detect)")
    attendance_import.add_argument("--timezone",
                                   help="zone of times written without an offset"
                                        " (default: the event's)")

    report = sub.add_parser("report", help="an event's attendance report")
    report.add_argument("slug")
    report.add_argument("--format", choices=["json", "csv", "xlsx", "html"], default="json")
    report.add_argument("-o", "--output", metavar="FILE",
                        help="write to FILE (CSV then starts with a BOM for Excel);"
                             " default: standard output")
    report.add_argument("--lang", choices=["es", "en"], default="es",
                        help="language of the labels (default: es)")
    return parser


def main(argv: list[str] | None = None) -> None:
    try:
        _main(argv)
    except DatabaseUnavailable as exc:
        sys.exit(f"error: {exc}")


def _main(argv: list[str] | None) -> None:
    args = _parser().parse_args(argv)
    configure_logging()
    settings = load_settings()
    command = args.command
    if command == "serve":
        serve(settings, args)
    elif command == "scheduler":
        asyncio.run(run_scheduler(settings))
    elif command == "migrate":
        asyncio.run(migrate(settings))
    elif command == "organizer":
        password = sys.stdin.readline().rstrip("\r\n")
        try:
            asyncio.run(create_organizer(settings, args.email, password))
        except ValueError as exc:
            sys.exit(f"error: {exc}")
    elif command == "token":
        try:
            asyncio.run(create_token(settings, args.email))
        except LookupError as exc:
            sys.exit(f"error: {exc.args[0]}")
    elif command == "deliveries":
        asyncio.run(show_deliveries(settings, args.slug, args.status, args.limit))
    elif command == "attendance":
        try:
            with open(args.file, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            sys.exit(f"error: {args.file}: {exc.strerror}")
        asyncio.run(import_attendance(settings, args.slug, args.file, data, args.source,
                                      args.timezone))
    elif command == "report":
        if args.format == "xlsx" and args.output is None and sys.stdout.isatty():
            sys.exit("error: XLSX is a binary file: give -o FILE (or redirect the output)")
        report, templates = asyncio.run(load_report(settings, args.slug))
        write_report(report, templates, args.format, args.output, args.lang)


def configure_logging() -> None:
    """Log lines on standard error, the same in each process of the service."""
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def serve(settings: Settings, args: argparse.Namespace) -> None:
    from aiohttp import web

    from webinar.web.shutdown import GRACE_SECONDS
    from webinar.workers import supervise

    if "WEBINAR_BASE_URL" not in os.environ:
        # Links in mail should point where this server actually listens.
        shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host  # noqa: S104
        settings = settings.model_copy(update={"base_url": f"http://{shown}:{args.port}"})
    if args.demo:
        from webinar.demo import seed

        print(asyncio.run(seed(settings)))
    from scheduler.process import SchedulerProcess

    if args.workers < 1:
        sys.exit("error: --workers must be at least 1")
    url = f"http://{args.host}:{args.port}/"
    if args.workers == 1:
        # The scheduler runs in a child process (scheduler/process.py): its mail work
        # uses the other core, not this event loop.
        scheduler = None if args.no_scheduler else SchedulerProcess()
        app = served_app(settings, scheduler)
        _started(url, args.demo)
        web.run_app(app, host=args.host, port=args.port, print=None, access_log=None,
                    shutdown_timeout=GRACE_SECONDS, loop=_event_loop())
        if scheduler is not None and scheduler.gave_up:
            sys.exit(1)
        return

    # Migrate and make the secret key once, before any worker exists.
    asyncio.run(migrate(settings, quiet=True))

    def run_worker(index: int) -> None:
        scheduler = SchedulerProcess() if index == 0 and not args.no_scheduler else None
        app = served_app(settings, scheduler)
        web.run_app(app, host=args.host, port=args.port, print=None, access_log=None,
                    reuse_port=True, shutdown_timeout=GRACE_SECONDS, loop=_event_loop())
        if scheduler is not None and scheduler.gave_up:
            sys.exit(1)

    _started(url, args.demo, f" ({args.workers} web processes)")
    sys.exit(supervise(args.workers, run_worker))


def served_app(settings: Settings, scheduler: Background | None) -> web.Application:
    """The app as each `webinar serve` process runs it: the app factory's, plus a second
    SIGTERM made harmless during shutdown and the start-up heap frozen (webinar.web.heap),
    which a test process building many apps must not get."""
    from webinar.app import create_app
    from webinar.web.heap import freeze_after_startup
    from webinar.workers import stop_once

    app = create_app(settings, background=scheduler)
    stop_once(app)
    freeze_after_startup(app)
    return app


def _event_loop() -> asyncio.AbstractEventLoop:
    """The web process's event loop: uvloop's (libuv), whose turns, socket writes and
    wake-ups from aiosqlite's threads cost less than asyncio's own; asyncio's where uvloop
    is not installed (it has no Windows build)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def _started(url: str, demo: bool, detail: str = "") -> None:
    print(f"Webinar is running{detail}: open {url}", flush=True)
    if demo:
        print(f"  a full forum, with a waitlist: {url}events/foro-gobierno-digital", flush=True)
        print(f"  a workshop with free seats:  {url}events/taller-datos-abiertos", flush=True)
        print(f"  organizer pages: {url}admin/  (demo@example.org / demo-password)", flush=True)


async def run_scheduler(settings: Settings) -> None:
    from scheduler.runner import Runner
    from webinar.runtime import open_resources

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with open_resources(settings) as res:
        runner = Runner(res)
        await runner.start()
        print("scheduler running", flush=True)
        await stop.wait()
        await runner.stop()


async def migrate(settings: Settings, *, quiet: bool = False) -> None:
    from webinar.runtime import open_store

    async with open_store(settings) as store:
        settings.ensure_secret_key()  # after the store answered: a refusal writes nothing
        applied = await store.migrate()
    if not quiet:
        print("applied: " + ", ".join(applied) if applied else "database is up to date")


async def create_organizer(settings: Settings, email: str, password: str) -> None:
    from webinar.clock import SystemClock
    from webinar.organizers import accounts as organizers
    from webinar.runtime import open_resources

    async with open_resources(settings) as res:
        organizer = await organizers.create(res.store, SystemClock().now(), email, password)
    print(f"organizer {organizer.email} ready")


async def create_token(settings: Settings, email: str) -> None:
    from webinar.clock import SystemClock
    from webinar.organizers import accounts as organizers
    from webinar.runtime import open_resources

    async with open_resources(settings) as res:
        token = await organizers.create_token(res.store, SystemClock().now(), email)
    print(token)


async def show_deliveries(settings: Settings, slug: str, status: str | None, limit: int) -> None:
    from webinar.errors import EventNotFound
    from webinar.events import service as events
    from webinar.mail import delivery as deliveries
    from webinar.runtime import open_resources

    async with open_resources(settings) as res:
        try:
            event = await events.get(res.store, slug)
        except EventNotFound:
            sys.exit(f"error: no event {slug}")
        summary = await deliveries.summary(res.store, event.id)
        rows = await deliveries.recent(res.store, event.id, status, limit)
    print(f"{event.title} ({event.slug})")
    for kind, counts in summary.items():
        print(f"  {kind:16} " + "  ".join(f"{k}={v}" for k, v in sorted(counts.items())))
    print()
    print(f"{'id':>6}  {'kind':16} {'status':8} {'att':>3}  {'due (UTC)':24} recipient / error")
    for row in rows:
        print(f"{row['id']:>6}  {row['kind'] + ' ' + row['detail']:16} {row['status']:8}"
              f" {row['attempts']:>3}  {row['due_at']:24} {row['recipient']}"
              + (f"  ! {row['last_error']}" if row["last_error"] else ""))


def _cli_language() -> str:
    """The language of the person at the terminal (LANGUAGE, LC_ALL, LC_MESSAGES, LANG):
    Spanish for es_*, English otherwise."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "es" if value.lower().startswith("es") else "en"
    return "en"


async def import_attendance(settings: Settings, slug: str, file: str, data: bytes,
                            source: str | None, timezone: str | None) -> None:
    """Import an export read from `file` (its name, for the messages) into the event."""
    from webinar.attendance import imports
    from webinar.attendance import service as attendance
    from webinar.clock import SystemClock
    from webinar.errors import EventNotFound
    from webinar.events import service as events
    from webinar.i18n import translations
    from webinar.runtime import open_resources

    _ = translations(_cli_language()).gettext
    async with open_resources(settings) as res:
        try:
            event = await events.get(res.store, slug)
        except EventNotFound:
            sys.exit(f"error: no event {slug}")
        try:
            outcome = await attendance.import_export(res.store, SystemClock().now(), event,
                                                     data, source, timezone)
        except imports.ImportProblem as exc:
            sys.exit(f"error: {file}: {exc.translated(_)}")
    answer = outcome.as_dict(_)
    print(f"{event.title} ({event.slug}): {file}")
    for name in ("source", "rows", "matched", "walk_ins", "intervals_added", "outside_window"):
        print(f"  {name:16} {answer[name]}")
    skipped = answer["skipped"]
    assert isinstance(skipped, list)
    print(f"  {'skipped':16} {len(skipped)}")
    for item in skipped:
        print(f"    line {item['line']}: {item['reason']}")


async def load_report(settings: Settings, slug: str) -> tuple[Report, jinja2.Environment]:
    """The event's report as of now, and the templates to render it with."""
    from webinar.errors import EventNotFound
    from webinar.events import service as events
    from webinar.reports.service import build_report
    from webinar.runtime import open_resources

    async with open_resources(settings) as res:
        try:
            event = await events.get(res.store, slug)
        except EventNotFound:
            sys.exit(f"error: no event {slug}")
        return await build_report(res.store, event, res.now()), res.templates


def write_report(report: Report, templates: jinja2.Environment, fmt: str,
                 output: str | None, lang: str) -> None:
    """Write the report in `fmt` to `output` (None: standard output, where XLSX goes only
    when it is not a terminal). A CSV file starts with a BOM so Excel reads the accents."""
    import json

    from webinar.reports import render_csv, render_html, render_xlsx

    if fmt == "xlsx":
        data = render_xlsx(report, lang)
    else:
        if fmt == "json":
            text = json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"
        elif fmt == "csv":
            text = render_csv(report, lang)
        else:
            text = render_html(report, lang, templates)
        if output is None:
            sys.stdout.write(text)
            sys.stdout.flush()
            return
        data = text.encode("utf-8-sig" if fmt == "csv" else "utf-8")
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        with open(output, "wb") as fh:
            fh.write(data)
    except OSError as exc:
        sys.exit(f"error: {output}: {exc.strerror}")
