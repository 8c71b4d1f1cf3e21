"""The long option lists of the forms (the public registration form, the organizer's
registrants filter), escaped once.

The event page is the page a rush of sign-ups loads first, and its country list (about
250 options) was most of its rendering: two escapes and a comparison an option, every
time. The options of each language and selected country are made once and kept (a
bounded set: the languages times the country codes, plus none selected).
"""

from __future__ import annotations

from functools import cache

from markupsafe import Markup

from webinar.i18n import countries, country_codes


def country_options(lang: str, selected: str) -> Markup:
    """The `<option>`s of the country list in `lang`'s names and order, `selected` marked
    (a value that is no country code, as a tampered form may send, marks none)."""
    return _options(lang, selected if selected in country_codes() else "")


@cache
def _options(lang: str, selected: str) -> Markup:
    return Markup("").join(
        Markup('<option value="{}"{}>{}</option>').format(
            code, Markup(" selected") if code == selected else "", name)
        for code, name in countries(lang))

