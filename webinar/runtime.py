"""The resources both processes share: settings, clock, store, templates and mailer.

`open_resources` opens them and closes them again; the web app enters it from
`cleanup_ctx`, the stand-alone scheduler from its own main.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import jinja2

from webinar.attendance.snapshots import AttendanceSnapshots
from webinar.clock import Clock, SystemClock
from webinar.mail.transport import Mailer, open_mailer
from webinar.settings import Settings
from webinar.store.errors import DatabaseUnavailable
from webinar.store.interface import Store
from webinar.store.sqlite.database import SqliteStore


def _without_url(message: str, url: str | None) -> str:
    return message.replace(url, "WEBINAR_DB") if url else message


def templates_dir() -> Path:
    installed = Path(__file__).parent / "templates"
    return installed if installed.is_dir() else Path(__file__).parent.parent / "templates"


def template_env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "xml"), default_for_string=True, default=False
        ),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return env


@dataclass
class Resources:
    settings: Settings
    clock: Clock
    store: Store
    templates: jinja2.Environment
    mailer: Mailer
    # Called after a commit that may have produced mail; the embedded scheduler sets it.
    nudge: Callable[[], None] = field(default=lambda: None)
    # Whole-event attendance kept between requests (the registrants table's filter/sort).
    attendance: AttendanceSnapshots = field(default_factory=AttendanceSnapshots)

    def now(self) -> datetime:
        return self.clock.now()


@asynccontextmanager
async def open_store(settings: Settings) -> AsyncIterator[Store]:
    """The store named by the settings, connected, and closed again."""
    store: Store
    url = settings.postgres_url
    if url:
        # Imported only when configured: asyncpg and the PostgreSQL store hold about 6 MB
        # in each process (web and scheduler) that the embedded default would not use.
        from webinar.store.postgres.database import PostgresStore
        store = PostgresStore(url, max_size=settings.db_pool_size)
    else:
        store = SqliteStore(settings.db_path)
    try:
        await store.connect()
    except OSError as exc:  # the PostgreSQL store raises its refusals as OSErrors too
        # The URL may hold a password: name the problem, not the URL.
        raise DatabaseUnavailable(f"cannot connect to the database: {type(exc).__name__}:"
                                  f" {_without_url(str(exc), url)}") from exc
    try:
        yield store
    finally:
        await store.close()


@asynccontextmanager
async def open_resources(settings: Settings, clock: Clock | None = None, *,
                         migrate: bool = True) -> AsyncIterator[Resources]:
    async with open_store(settings) as store:
        settings.ensure_secret_key()  # after the store answered: a refusal writes nothing
        if migrate:
            await store.migrate()
        async with open_mailer(settings) as mailer:
            yield Resources(settings=settings, clock=clock or SystemClock(), store=store,
                            templates=template_env(), mailer=mailer)
