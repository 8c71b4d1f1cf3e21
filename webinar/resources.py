"""The resources both processes share: settings, clock, database, templates and mailer.

`open_resources` opens them and closes them again; the web app enters it from
`cleanup_ctx`, the stand-alone scheduler from its own main.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from webinar.clock import SystemClock
from webinar.db import Database
from webinar.settings import Settings


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
    clock: object
    db: Database
    templates: jinja2.Environment
    mailer: object = None
    # Called after a commit that may have produced mail; the embedded scheduler sets it.
    nudge: Callable[[], None] = field(default=lambda: None)

    def now(self):
        return self.clock.now()


@asynccontextmanager
async def open_resources(settings: Settings, clock=None, *,
                         migrate: bool = True) -> AsyncIterator[Resources]:
    from webinar.mail import open_mailer

    settings.ensure_secret_key()
    db = Database(settings.db_path)
    await db.connect()
    try:
        if migrate:
            await db.migrate()
        async with open_mailer(settings) as mailer:
            yield Resources(settings=settings, clock=clock or SystemClock(), db=db,
                            templates=template_env(), mailer=mailer)
    finally:
        await db.close()
