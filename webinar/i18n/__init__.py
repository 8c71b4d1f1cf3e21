"""Languages: Spanish (default) and English catalogs, negotiation, and local date formats.

Source strings are English. Catalogs are the .po files under webinar/locale; they are
compiled in memory at start-up, so there is no build step and no binary in the repo.
"""

from __future__ import annotations

import io
import unicodedata
from datetime import datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_time, get_timezone_location
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGUAGES = ("es", "en")
DEFAULT_LANGUAGE = "es"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGE_COOKIE = "lang"


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated where it is shown."""
    return message


@cache
def translations(lang: str) -> NullTranslations:
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return NullTranslations()
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def pick_language(explicit: str | None, cookie: str | None, accept: str | None) -> str:
    """An explicit switch, then the cookie, then Accept-Language, then Spanish."""
    for choice in (explicit, cookie):
        if choice in LANGUAGES:
            return choice
    if accept:
        weighted = []
        for part in accept.split(","):
            piece = part.strip().split(";")
            tag = piece[0].strip().lower()
            quality = 1.0
            for param in piece[1:]:
                if param.strip().startswith("q="):
                    try:
                        quality = float(param.strip()[2:])
                    except ValueError:
                        quality = 0.0
            weighted.append((quality, tag))
        for _quality, tag in sorted(weighted, key=lambda qt: -qt[0]):
            primary = tag.split("-")[0]
            if primary in LANGUAGES:
                return primary
    return DEFAULT_LANGUAGE


def utc_offset_label(moment: datetime) -> str:
    """UTC−06:00 style, with a real minus sign."""
    offset = moment.utcoffset()
    assert offset is not None
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "\u2212"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


@lru_cache(maxsize=1024)
def format_when(moment: datetime, timezone: str, lang: str) -> str:
    """'jueves, 3 de diciembre de 2026, 09:00 (hora de Guatemala, UTC−06:00)'. Cached:
    every mail of an event writes the same few moments (babel takes a third of a
    millisecond for each)."""
    local = moment.astimezone(ZoneInfo(timezone))
    date = format_date(local, format="full", locale=lang)
    time = format_time(local, format="HH:mm", locale=lang)
    place = get_timezone_location(ZoneInfo(timezone), locale=lang)
    return f"{date}, {time} ({place}, {utc_offset_label(local)})"


def format_duration_short(start: datetime, end: datetime) -> str:
    """'2 h', '1 h 30 min', '45 min': the same in Spanish and English."""
    minutes = max(0, int((end - start).total_seconds() // 60))
    hours, mins = divmod(minutes, 60)
    parts = ([f"{hours} h"] if hours else []) + ([f"{mins} min"] if mins or not hours else [])
    return " ".join(parts)


def format_time_left(left: timedelta) -> str:
    """'2 d 23 h 45 min', '5 min': time left, rounded up to the minute (never '0 min')."""
    minutes = max(1, -(-int(left.total_seconds()) // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{n} {unit}" for n, unit in ((days, "d"), (hours, "h"), (mins, "min")) if n]
    return " ".join(parts)


@lru_cache(maxsize=1024)
def format_span(start: datetime, end: datetime, timezone: str, lang: str) -> str:
    """Start, end and duration: 'viernes, 4 de diciembre de 2026, 06:00–08:00 (hora de
    Guatemala, UTC−06:00) · 2 h'; an event over several days names both dates. Cached by
    its arguments (an edited event's new times are a new key): every view of the event
    page writes it, and babel takes about a millisecond for the four parts."""
    zone = ZoneInfo(timezone)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    duration = format_duration_short(start, end)
    if local_start.date() != local_end.date():
        return (f"{format_when(start, timezone, lang)} \u2013 "
                f"{format_when(end, timezone, lang)} \u00b7 {duration}")
    date = format_date(local_start, format="full", locale=lang)
    times = (f"{format_time(local_start, format='HH:mm', locale=lang)}\u2013"
             f"{format_time(local_end, format='HH:mm', locale=lang)}")
    place = get_timezone_location(zone, locale=lang)
    return f"{date}, {times} ({place}, {utc_offset_label(local_start)}) \u00b7 {duration}"


def format_short(moment: datetime, timezone: str, lang: str) -> str:
    """'1/12/26, 9:00 (UTC−06:00)': for tables."""
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{format_datetime(local, format='short', locale=lang)} ({utc_offset_label(local)})"


# Codes babel lists as territories that are not ISO 3166-1 countries.
_NOT_COUNTRIES = {
    "AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ",
}
FIRST_COUNTRY = "GT"


def _sort_key(name: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(c)
    )


@cache
def countries(lang: str) -> tuple[tuple[str, str], ...]:
    """(code, name) in the language's order, Guatemala first."""
    names = Locale.parse(lang).territories
    items = [
        (code, name) for code, name in names.items()
        if len(code) == 2 and code.isalpha() and code.isupper() and code not in _NOT_COUNTRIES
    ]
    items.sort(key=lambda item: _sort_key(item[1]))
    first = [item for item in items if item[0] == FIRST_COUNTRY]
    return tuple(first + [item for item in items if item[0] != FIRST_COUNTRY])


@cache
def country_codes() -> frozenset[str]:
    return frozenset(code for code, _name in countries("en"))
