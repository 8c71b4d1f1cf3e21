"""The summary sentence of a report, ready to paste into a press release, in Spanish or
English: "El foro contó con 152 participantes de 4 sectores: Académico, Cooperación
internacional, Sector público y Sector privado (73 % de las 208 personas inscritas)."

Sectors are named with the organizer's labels, in the event's order, and only those with
at least one attendee; numbers, percentages and the list's "y"/"and" follow the language.
"""

from __future__ import annotations

from decimal import Decimal

from babel.lists import format_list
from babel.numbers import format_decimal, format_percent

from webinar.i18n import translations
from webinar.reports.model import OTHER_SECTOR, Report


def number(value: int | float, lang: str) -> str:
    return format_decimal(value, locale=lang)


def percent(part: int, whole: int, lang: str) -> str:
    """part ÷ whole as a whole percentage in the language's style: "73 %" (es), "73%"
    (en); rounded from the exact ratio, not from the 3-decimal rate (no double rounding)."""
    return format_percent(Decimal(part) / Decimal(whole) if whole else 0, locale=lang)


def summary_sentence(report: Report, lang: str) -> str:
    t = translations(lang)
    _ = t.gettext
    ngettext = t.ngettext
    registered = number(report.registered, lang)
    if report.registered == 0:
        text = _("Nobody registered for the forum.")
    elif report.attended == 0:
        text = ngettext(
            "The only person registered (%(registered)s) did not attend the forum.",
            "None of the %(registered)s people registered attended the forum.",
            report.registered,
        ) % {"registered": registered}
    else:
        rows = report.sector_rows_with_attendees()
        labels = [_("other sectors") if row.sector == OTHER_SECTOR else row.label(lang)
                  for row in rows]
        sectors = ngettext(
            "from %(count)s sector: %(sectors)s",
            "from %(count)s sectors: %(sectors)s",
            len(rows),
        ) % {"count": number(len(rows), lang), "sectors": format_list(labels, locale=lang)}
        share = ngettext(
            "%(rate)s of the %(registered)s person registered",
            "%(rate)s of the %(registered)s people registered",
            report.registered,
        ) % {"rate": percent(report.attended, report.registered, lang), "registered": registered}
        text = ngettext(
            "The forum was attended by %(attended)s participant %(sectors)s (%(share)s).",
            "The forum was attended by %(attended)s participants %(sectors)s (%(share)s).",
            report.attended,
        ) % {"attended": number(report.attended, lang), "sectors": sectors, "share": share}
    if report.walk_ins:
        text += " " + ngettext(
            "%(num)s more person attended without registering.",
            "%(num)s more people attended without registering.",
            report.walk_ins,
        ) % {"num": number(report.walk_ins, lang)}
    return text
