"""The registration form's fields as first shown (blank, no errors), made once per
language and sectors.

The event page is the page a rush of sign-ups loads first, and most of its rendering
was the form's fields: a dozen translated labels and two macros per field, the same for
every visitor. A blank form's fields depend only on the template, the language and the
event's sectors (codes and labels), so the rendering is kept under exactly that key: an
organizer's edit of the sectors, from any process, is a new key on the next page view
(the event row is read on every request). What changes per request or per state (the
CSRF token, the nonce, the seats left, open or ended, the person's input and errors)
stays outside, rendered each time by event.html.
"""

from __future__ import annotations

from functools import lru_cache, partial

import jinja2
from markupsafe import Markup

from webinar.events.model import Event, Sector
from webinar.i18n import translations
from webinar.web import choices

TEMPLATE = "_registration_fields.html"
# The registration form's fields, as the event page posts them.
FIELDS = ("name", "email", "organization", "position", "sector", "country", "language",
          "consent")


def blank_form(lang: str) -> dict[str, str]:
    """The form's values as first shown: empty, the page's language chosen."""
    return dict.fromkeys(FIELDS, "") | {"language": lang}


def blank_fields(templates: jinja2.Environment, lang: str, event: Event) -> Markup:
    """The form's fields, blank and without errors, in `lang` for `event`'s sectors."""
    return _blank(templates, lang, tuple(event.sectors))


@lru_cache(maxsize=256)
def _blank(templates: jinja2.Environment, lang: str, sectors: tuple[Sector, ...]) -> Markup:
    # The template's own output, autoescaped (`.html`), so already markup.
    html = templates.get_template(TEMPLATE).render({
        "_": translations(lang).gettext,
        "form": blank_form(lang),
        "errors": {},
        "sectors": [(s.code, s.label(lang)) for s in sectors],
        "country_options": partial(choices.country_options, lang),
    })
    return Markup(html)  # noqa: S704 - every value in it was escaped by the template
