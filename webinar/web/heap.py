"""The web process's long-lived heap, set aside from the garbage collector once started.

A server process holds a few hundred thousand objects from the moment it is up (modules,
pydantic's validators, jinja's compiled templates, babel's locale data, the country
lists) that never become garbage. Each full (generation 2) collection walks all of them:
70-190 ms with the event loop stopped, measured on the form benchmark at 200 requests/s
(bench/probe), once every 10-20 s of traffic, which alone set the run's p99. Frozen
(gc.freeze) after start-up and the first renders, they are no longer walked; the objects
made while serving are collected as before.

Only `webinar serve` freezes: a test process builds many apps, and what a frozen app
leaves behind would never be freed.
"""

from __future__ import annotations

import gc

from aiohttp import web

from webinar.i18n import LANGUAGES, countries, translations
from webinar.web import choices
from webinar.web.keys import RESOURCES


def freeze_after_startup(app: web.Application) -> None:
    """Freeze the heap once the app's resources are open (an on_startup hook, after them)."""

    async def freeze(app: web.Application) -> None:
        _warm(app)
        gc.collect()
        gc.freeze()

    app.on_startup.append(freeze)


def _warm(app: web.Application) -> None:
    """Load what the first requests would load anyway, so that it is frozen too."""
    templates = app[RESOURCES].templates
    for name in ("event.html", "_registration_fields.html", "manage.html", "error.html"):
        templates.get_template(name)
    for lang in LANGUAGES:
        translations(lang)
        countries(lang)
        choices.country_options(lang, "")
