"""The report as titled tables in one language: what the CSV and XLSX exports write.

Each cell is typed so that each format can show it well: `int`, `Minutes` (a float with
one decimal), `Percent` (a fraction 0-1), `datetime` (in the event's zone), or text. Text
that a registrant typed (organization names) or an organizer typed (titles, sector labels)
goes through `neutralise` before any spreadsheet sees it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from webinar.i18n import countries, translations
from webinar.reports.model import Report
from webinar.reports.sentence import summary_sentence

# A spreadsheet reads a cell starting with one of these as a formula (or, for tab and
# carriage return, may strip them and then read a formula).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Text safe to put in a spreadsheet cell: a leading apostrophe before anything that
    could start a formula (OWASP's advice for CSV injection)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class Percent(float):
    """A fraction 0-1 shown as a percentage."""


class Minutes(float):
    """Minutes with one decimal."""


Cell = str | int | float | datetime | None


@dataclass(frozen=True)
class Table:
    key: str  # "by_sector", "summary", "countries", "organizations", "timeline", "returning"
    title: str
    headers: list[str]
    rows: list[list[Cell]]


def country_name(code: str, lang: str) -> str:
    if not code:
        return translations(lang).gettext("Not given")
    return dict(countries(lang)).get(code, code)


def _local(report: Report, moment: datetime) -> datetime:
    return moment.astimezone(report.event.zone)


def by_sector_table(report: Report, lang: str) -> Table:
    _ = translations(lang).gettext
    rows: list[list[Cell]] = [
        [row.sector, row.label(lang), row.registered, row.attended,
         Percent(row.attendance_rate), Minutes(row.avg_minutes), Minutes(row.median_minutes)]
        for row in report.by_sector
    ]
    rows.append(["", _("Total"), report.registered, report.attended,
                 Percent(report.attendance_rate), Minutes(report.avg_minutes),
                 Minutes(report.median_minutes)])
    return Table("by_sector", _("Attendance by sector"),
                 [_("Code"), _("Sector"), _("Registered"), _("Attended"),
                  _("Attendance rate"), _("Average minutes"), _("Median minutes")], rows)


def summary_table(report: Report, lang: str) -> Table:
    _ = translations(lang).gettext
    peak_minute = report.peak.minute
    rows: list[list[Cell]] = [
        [_("Event"), report.event.title],
        [_("Starts"), _local(report, report.event.starts_at)],
        [_("Ends"), _local(report, report.event.ends_at)],
        [_("Time zone"), report.event.timezone],
        [_("Registered"), report.registered],
        [_("Attended"), report.attended],
        [_("Attendance rate"), Percent(report.attendance_rate)],
        [_("Average minutes"), Minutes(report.avg_minutes)],
        [_("Median minutes"), Minutes(report.median_minutes)],
        [_("Walk-ins (not registered)"), report.walk_ins],
        [_("Waitlisted"), report.waitlisted],
        [_("Cancelled"), report.cancelled],
        [_("Peak present"), report.peak.present],
        [_("Peak minute"), None if peak_minute is None else _local(
            report, datetime.fromisoformat(peak_minute.replace("Z", "+00:00")))],
        [_("Summary"), summary_sentence(report, lang)],
    ]
    return Table("summary", _("Summary"), [_("Item"), _("Value")], rows)


def countries_table(report: Report, lang: str) -> Table:
    _ = translations(lang).gettext
    return Table("countries", _("Countries"),
                 [_("Code"), _("Country"), _("Registered"), _("Attended")],
                 [[row.country, country_name(row.country, lang), row.registered, row.attended]
                  for row in report.countries])


def organizations_table(report: Report, lang: str) -> Table:
    _ = translations(lang).gettext
    return Table("organizations", _("Organizations"),
                 [_("Organization"), _("Registered"), _("Attended")],
                 [[row.organization, row.registered, row.attended]
                  for row in report.organizations])


def timeline_table(report: Report, lang: str) -> Table:
    _ = translations(lang).gettext
    return Table("timeline", _("Present minute by minute"),
                 [_("Minute (UTC)"), _("Local time"), _("Present")],
                 [[point.minute, _local(report, point.moment), point.present]
                  for point in report.timeline])


def returning_table(report: Report, lang: str) -> Table:
    _ = translations(lang).gettext
    return Table("returning", _("New and returning participants"),
                 [_("Participants"), _("Attended")],
                 [[_("New (first event of these organizers)"), report.new_attendees],
                  [_("Returning (attended an earlier event of these organizers)"),
                   report.returning_attendees],
                  [_("Total"), report.attended]])


def tables(report: Report, lang: str) -> list[Table]:
    """Every table, the by-sector one first."""
    return [by_sector_table(report, lang), summary_table(report, lang),
            countries_table(report, lang), organizations_table(report, lang),
            timeline_table(report, lang), returning_table(report, lang)]
