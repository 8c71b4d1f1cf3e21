"""The report's charts as inline SVG, drawn in Python: no JavaScript, no external fonts or
images, readable in print and by screen readers (role="img", a <title> and a <desc>, the
numbers written as text beside the marks).

- `sector_bars`: registered vs attended per sector, horizontal bars.
- `timeline_area`: people present minute by minute, with the start and the peak marked.
"""

from __future__ import annotations

import math
from datetime import datetime
from xml.sax.saxutils import escape

from babel.dates import format_time
from markupsafe import Markup

from webinar.i18n import translations
from webinar.reports.model import Report, TimelinePoint
from webinar.reports.sentence import number

WIDTH = 640
MAX_POINTS = 640  # one a pixel column at most
REGISTERED_COLOUR = "#9fb8d6"
ATTENDED_COLOUR = "#1f4e79"
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"'


def _text(x: float, y: float, content: str, *, size: int = 12, anchor: str = "start",
          weight: str = "normal", fill: str = "#222") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'font-weight="{weight}" fill="{fill}">{escape(content)}</text>')


def _svg(ident: str, height: float, title: str, desc: str, body: list[str]) -> Markup:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" '
            f'viewBox="0 0 {WIDTH} {height:.0f}" preserveAspectRatio="xMinYMin meet" '
            f'aria-labelledby="{ident}-title {ident}-desc" {FONT} class="chart">'
            f'<title id="{ident}-title">{escape(title)}</title>'
            f'<desc id="{ident}-desc">{escape(desc)}</desc>')
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 - every text is escaped


def sector_bars(report: Report, lang: str, ident: str = "sectors") -> Markup:
    """Two bars per sector, registered (light) and attended (dark), with their numbers."""
    _ = translations(lang).gettext
    title = _("Registered and attended by sector")
    rows = report.by_sector
    desc = "; ".join(
        _("%(sector)s: %(registered)s registered, %(attended)s attended") % {
            "sector": row.label(lang), "registered": number(row.registered, lang),
            "attended": number(row.attended, lang)}
        for row in rows)
    scale_max = max([row.registered for row in rows] + [1])
    bar_room = WIDTH - 60
    body = [
        f'<rect x="0" y="4" width="12" height="12" fill="{REGISTERED_COLOUR}"/>',
        _text(18, 15, _("Registered")),
        f'<rect x="130" y="4" width="12" height="12" fill="{ATTENDED_COLOUR}"/>',
        _text(148, 15, _("Attended")),
    ]
    y = 40.0
    for row in rows:
        body.append(_text(0, y, row.label(lang), weight="bold"))
        for value, colour in ((row.registered, REGISTERED_COLOUR),
                              (row.attended, ATTENDED_COLOUR)):
            length = bar_room * value / scale_max
            body.append(f'<rect x="0" y="{y + 5:.1f}" width="{length:.1f}" height="14" '
                        f'fill="{colour}" stroke="{ATTENDED_COLOUR}" stroke-width="0.5"/>')
            body.append(_text(length + 5, y + 16, number(value, lang)))
            y += 17
        y += 24
    return _svg(ident, y - 10, title, desc, body)


def _nice_ceiling(value: int) -> tuple[int, int]:
    """A round top for the y axis and its step, e.g. 143 -> (150, 50)."""
    if value <= 0:
        return 1, 1
    raw = value / 4
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(1, int(step))
    return step * math.ceil(value / step), step


def minute_step(count: int) -> int:
    """Minutes between time labels: at most about eight labels."""
    for step in (5, 10, 15, 30, 60, 120, 180, 360, 720, 1440):
        if count / step <= 8:
            return step
    return 2880


def _thinned(points: list[TimelinePoint]) -> list[tuple[int, int]]:
    """(index, present) to draw: every minute when there are at most MAX_POINTS, else the
    highest count of each run of minutes (so no peak disappears), keeping a long event's
    chart small."""
    if len(points) <= MAX_POINTS:
        return [(i, p.present) for i, p in enumerate(points)]
    size = math.ceil(len(points) / MAX_POINTS)
    result = []
    for first in range(0, len(points), size):
        run = points[first:first + size]
        best = max(range(len(run)), key=lambda k: run[k].present)
        result.append((first + best, run[best].present))
    if result[-1][0] != len(points) - 1:
        result.append((len(points) - 1, points[-1].present))
    return result


def timeline_area(report: Report, lang: str, ident: str = "timeline") -> Markup:
    """People present each minute (in the event's time zone), the start as a dashed
    line, the peak as a dot with its number and time."""
    t = translations(lang)
    _ = t.gettext
    ngettext = t.ngettext
    zone = report.event.zone
    title = _("People present minute by minute")
    points = report.timeline

    def clock(moment: datetime) -> str:
        return format_time(moment.astimezone(zone), format="HH:mm", locale=lang)

    if report.peak.minute is None:
        desc = _("Nobody was present.")
    else:
        peak_moment = datetime.fromisoformat(report.peak.minute.replace("Z", "+00:00"))
        desc = ngettext("Peak: %(num)s person at %(time)s", "Peak: %(num)s people at %(time)s",
                        report.peak.present) % {
            "num": number(report.peak.present, lang), "time": clock(peak_moment)}
    height, left, right, top, bottom = 240, 44, 12, 28, 34
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    y_max, y_step = _nice_ceiling(max([p.present for p in points] + [0]))
    span = max(len(points) - 1, 1)

    def x_at(index: int) -> float:
        return left + plot_w * index / span

    def y_at(value: int) -> float:
        return top + plot_h * (1 - value / y_max)

    body = []
    for tick in range(0, y_max + 1, y_step):
        body.append(f'<line x1="{left}" y1="{y_at(tick):.1f}" x2="{WIDTH - right}" '
                    f'y2="{y_at(tick):.1f}" stroke="#ccc" stroke-width="0.6"/>')
        body.append(_text(left - 6, y_at(tick) + 4, number(tick, lang), size=11,
                          anchor="end"))
    step = minute_step(len(points))
    for index, point in enumerate(points):
        moment = point.moment.astimezone(zone)
        if (moment.hour * 60 + moment.minute) % step == 0:
            x = x_at(index)
            body.append(f'<line x1="{x:.1f}" y1="{top + plot_h}" x2="{x:.1f}" '
                        f'y2="{top + plot_h + 4}" stroke="#555"/>')
            body.append(_text(x, height - bottom + 18, clock(moment), size=11,
                              anchor="middle"))
    if points:
        coords = " ".join(f"{x_at(i):.1f},{y_at(n):.1f}" for i, n in _thinned(points))
        base = top + plot_h
        body.append(f'<polygon points="{x_at(0):.1f},{base} {coords} '
                    f'{x_at(len(points) - 1):.1f},{base}" fill="{REGISTERED_COLOUR}" '
                    f'fill-opacity="0.7"/>')
        body.append(f'<polyline points="{coords}" fill="none" stroke="{ATTENDED_COLOUR}" '
                    f'stroke-width="1.6"/>')
        start = report.event.starts_at
        for index, point in enumerate(points):
            if point.moment >= start:
                x = x_at(index)
                body.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{base}" '
                            f'stroke="#555" stroke-dasharray="4 3"/>')
                body.append(_text(x + 3, top - 4, _("Start"), size=11))
                break
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{WIDTH - right}" '
                f'y2="{top + plot_h}" stroke="#555"/>')
    if report.peak.minute is not None:
        index = next(i for i, p in enumerate(points) if p.minute == report.peak.minute)
        x, y = x_at(index), y_at(report.peak.present)
        anchor = "end" if x > left + plot_w / 2 else "start"
        offset = -8 if anchor == "end" else 8
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#c0392b" '
                    f'stroke="#fff" stroke-width="1"/>')
        body.append(_text(x + offset, max(y - 6, 12), desc, size=12, anchor=anchor,
                          weight="bold", fill="#c0392b"))
    return _svg(ident, height, title, desc, body)
