"""The report as a standalone, printable HTML page (A4, no JavaScript, no external
resources): the summary sentence, the totals, the by-sector table and chart, countries,
organizations and the timeline chart. Rendered from templates/reports/report.html.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import jinja2
from babel import Locale
from babel.dates import format_time
from babel.numbers import format_percent

from webinar.i18n import format_when, translations
from webinar.reports.charts import minute_step, sector_bars, timeline_area
from webinar.reports.model import Report
from webinar.reports.sentence import number, summary_sentence
from webinar.reports.tables import country_name

TEMPLATE = "reports/report.html"


def rate_text(fraction: float, lang: str) -> str:
    """0.731 -> "73,1 %" (es) / "73.1%" (en): the language's percent style, one decimal."""
    pattern = Locale.parse(lang).percent_formats[None].pattern
    return format_percent(fraction, format=pattern.replace("0", "0.0", 1), locale=lang)


def until(report: Report, lang: str) -> str:
    """The end: its time when the event ends on the day it starts, else date and time."""
    zone = report.event.zone
    start, end = (report.event.starts_at.astimezone(zone), report.event.ends_at.astimezone(zone))
    if start.date() == end.date():
        return format_time(end, format="HH:mm", locale=lang)
    return format_when(report.event.ends_at, report.event.timezone, lang)


def timeline_samples(report: Report) -> list[tuple[datetime, int]]:
    """The timeline at the chart's label step (every 5, 10, 15... minutes of the local
    clock), for the table beside the chart."""
    zone = report.event.zone
    step = minute_step(len(report.timeline))
    samples = []
    for point in report.timeline:
        local = point.moment.astimezone(zone)
        if (local.hour * 60 + local.minute) % step == 0:
            samples.append((local, point.present))
    return samples


def render_html(report: Report, lang: str, templates_env: jinja2.Environment,
                links: Sequence[tuple[str, str]] = ()) -> str:
    """The page. `links` are (address, text) pairs shown above the report on screen and
    left out of print (the organizer page's downloads); the standalone file has none."""
    t = translations(lang)
    zone = report.event.zone
    context = {
        "_": t.gettext,
        "ngettext": t.ngettext,
        "lang": lang,
        "report": report,
        "event": report.event,
        "sentence": summary_sentence(report, lang),
        "until": until(report, lang),
        "sector_chart": sector_bars(report, lang),
        "timeline_chart": timeline_area(report, lang),
        "samples": timeline_samples(report),
        "peak_moment": None if report.peak.minute is None else datetime.fromisoformat(
            report.peak.minute.replace("Z", "+00:00")).astimezone(zone),
        "num": lambda value: number(value, lang),
        "rate": lambda fraction: rate_text(fraction, lang),
        "when": lambda moment: format_when(moment, report.event.timezone, lang),
        "clock": lambda moment: format_time(moment.astimezone(zone), format="HH:mm",
                                            locale=lang),
        "country": lambda code: country_name(code, lang),
        "sector_label": lambda row: row.label(lang),
        "links": list(links),
    }
    return templates_env.get_template(TEMPLATE).render(context)
