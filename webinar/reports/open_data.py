"""Open data: the anonymous aggregate of an ended event that an organizer publishes
(pure: a Report in, plain data out; the view is webinar/web/open_data.py).

Two separate tables, registered and attended (the report's numbers: confirmed
registrations and those of them who attended) by sector and by country, each with its
total; no personal data. Statistical disclosure control, per table and column:

- a cell under `THRESHOLD` (5; zero included) is suppressed (None);
- a total is published only when it is at least `THRESHOLD` (a smaller one is suppressed
  too, and then every cell of its column already is);
- where exactly one cell of a column is suppressed and the total is published, the total
  minus the others would reveal it: the smallest published cell of that column (the
  first of equals) is suppressed as well (complementary suppression).

Published under CC BY 4.0, with the event's title and date.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from webinar.i18n import translations
from webinar.reports.model import Report
from webinar.reports.tables import country_name, neutralise

THRESHOLD = 5
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
SUPPRESSED = "*"  # how the CSV writes a suppressed cell

Value = int | None


def suppress_column(values: Sequence[int], total: int) -> tuple[list[Value], Value]:
    """The column's cells and total as published (None: suppressed)."""
    shown: list[Value] = [v if v >= THRESHOLD else None for v in values]
    total_shown: Value = total if total >= THRESHOLD else None
    hidden = [i for i, v in enumerate(shown) if v is None]
    if len(hidden) == 1 and total_shown is not None:
        published = [i for i, v in enumerate(shown) if v is not None]
        if published:
            shown[min(published, key=lambda i: (values[i], i))] = None
    return shown, total_shown


@dataclass(frozen=True)
class OpenRow:
    code: str  # sector code or ISO country code ("" when not given)
    labels: dict[str, str]  # {"es": ..., "en": ...}
    registered: Value
    attended: Value


@dataclass(frozen=True)
class OpenTable:
    key: str  # "by_sector" or "by_country"
    rows: list[OpenRow]
    total_registered: Value
    total_attended: Value

    def to_json(self) -> dict[str, Any]:
        code = "sector" if self.key == "by_sector" else "country"
        return {
            "rows": [{code: row.code, "label": row.labels, "registered": row.registered,
                      "attended": row.attended} for row in self.rows],
            "total": {"registered": self.total_registered, "attended": self.total_attended},
        }


def table(key: str, rows: Sequence[tuple[str, dict[str, str], int, int]],
          total_registered: int, total_attended: int) -> OpenTable:
    """A table as published from its true counts: (code, labels, registered, attended)."""
    registered, shown_registered = suppress_column([r[2] for r in rows], total_registered)
    attended, shown_attended = suppress_column([r[3] for r in rows], total_attended)
    return OpenTable(key, [OpenRow(code, labels, reg, att) for (code, labels, _r, _a), reg, att
                           in zip(rows, registered, attended, strict=True)],
                     shown_registered, shown_attended)


@dataclass(frozen=True)
class OpenData:
    slug: str
    title: str
    date: str  # the event's local date, ISO
    starts_at: str
    ends_at: str
    timezone: str
    publisher: str
    by_sector: OpenTable
    by_country: OpenTable

    def to_json(self) -> dict[str, Any]:
        return {
            "event": {"slug": self.slug, "title": self.title, "date": self.date,
                      "starts_at": self.starts_at, "ends_at": self.ends_at,
                      "timezone": self.timezone},
            "publisher": self.publisher,
            "licence": {"name": LICENCE, "url": LICENCE_URL},
            "suppression": {
                "threshold": THRESHOLD,
                "rule": f"cells under {THRESHOLD} are null; where one cell of a column is "
                        "null, the smallest other cell of that column is null too",
            },
            "by_sector": self.by_sector.to_json(),
            "by_country": self.by_country.to_json(),
        }


def open_data(report: Report, publisher: str) -> OpenData:
    """The published aggregate of a report."""
    sectors = [(row.sector, {"es": row.label("es"), "en": row.label("en")}, row.registered,
                row.attended) for row in report.by_sector]
    countries = [(row.country, {"es": country_name(row.country, "es"),
                                "en": country_name(row.country, "en")},
                  row.registered, row.attended) for row in report.countries]
    event = report.event
    local_start = event.starts_at.astimezone(event.zone)
    return OpenData(
        slug=event.slug, title=event.title, date=local_start.date().isoformat(),
        starts_at=local_start.isoformat(),
        ends_at=event.ends_at.astimezone(event.zone).isoformat(), timezone=event.timezone,
        publisher=publisher,
        by_sector=table("by_sector", sectors, report.registered, report.attended),
        by_country=table("by_country", countries, report.registered, report.attended),
    )


def _cell(value: Value) -> str:
    return SUPPRESSED if value is None else str(value)


def render_csv(data: OpenData, lang: str) -> str:
    """The aggregate as one CSV file: the event, licence and suppression lines, then each
    table after a blank line with its title and header, and its total last."""
    _ = translations(lang).gettext
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Event"), neutralise(data.title)])
    writer.writerow([_("Date"), data.date])
    writer.writerow([_("Published by"), neutralise(data.publisher)])
    writer.writerow([_("Licence"), f"{LICENCE} {LICENCE_URL}"])
    writer.writerow([_("Suppressed cells"), _(
        "%(mark)s: fewer than %(num)d people, or a cell that together with the total would "
        "reveal one") % {"mark": SUPPRESSED, "num": THRESHOLD}])
    for tab, title, code_header in (
            (data.by_sector, _("Registered and attended by sector"), _("Sector")),
            (data.by_country, _("Registered and attended by country"), _("Country"))):
        writer.writerow([])
        writer.writerow([title])
        writer.writerow([_("Code"), code_header, _("Registered"), _("Attended")])
        for row in tab.rows:
            writer.writerow([row.code, neutralise(row.labels.get(lang, row.code)),
                             _cell(row.registered), _cell(row.attended)])
        writer.writerow(["", _("Total"), _cell(tab.total_registered),
                         _cell(tab.total_attended)])
    return out.getvalue()
