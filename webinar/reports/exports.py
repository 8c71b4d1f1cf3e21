"""The report as CSV and XLSX files, from `tables.tables` (pure: a Report in, text or
bytes out).

CSV: the by-sector table first, its header on the first line (a plain CSV reader sees
that table), then each other table after a blank line, as a title line and its header.
Numbers are written neutrally (`0.731`, `12.5`, ISO times) whatever the language; the
labels are in the language. Encode it as "utf-8-sig" for Excel to read the accents.

XLSX: one sheet per table (summary, by sector, countries, organizations, timeline, new
and returning participants), bold
headers, numbers as numbers, rates as percentages, times as local times of the event.

In both, text cells are neutralised (`tables.neutralise`) so that nothing a registrant
or organizer typed becomes a formula.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

from webinar.reports.model import Report
from webinar.reports.tables import Cell, Minutes, Percent, Table, neutralise, tables


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Percent):
        return f"{value:.3f}"
    if isinstance(value, Minutes):
        return f"{value:.1f}"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    return neutralise(value)


def render_csv(report: Report, lang: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for index, table in enumerate(tables(report, lang)):
        if index:
            writer.writerow([])
            writer.writerow([neutralise(table.title)])
        writer.writerow([neutralise(h) for h in table.headers])
        writer.writerows([_csv_cell(cell) for cell in row] for row in table.rows)
    return out.getvalue()


XLSX_ORDER = ("summary", "by_sector", "countries", "organizations", "timeline", "returning")
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: str, taken: set[str]) -> str:
    name = _SHEET_NAME_FORBIDDEN.sub(" ", title).strip()[:31] or "Sheet"
    candidate, n = name, 2
    while candidate.casefold() in taken:
        candidate = f"{name[:28]} {n}"
        n += 1
    taken.add(candidate.casefold())
    return candidate


def _write_sheet(sheet, table: Table) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.append([neutralise(h) for h in table.headers])
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    widths = [len(h) for h in table.headers]
    for row in table.rows:
        values: list[object] = []
        for value in row:
            if isinstance(value, str):
                values.append(ILLEGAL_CHARACTERS_RE.sub("", neutralise(value)))
            elif isinstance(value, datetime):
                values.append(value.replace(tzinfo=None))  # local time of the event
            elif isinstance(value, Percent | Minutes):
                values.append(float(value))
            else:
                values.append(value)
        sheet.append(values)
        for column, (raw, cell) in enumerate(zip(row, sheet[sheet.max_row], strict=True)):
            if isinstance(raw, Percent):
                cell.number_format = "0.0%"
            elif isinstance(raw, Minutes):
                cell.number_format = "0.0"
            elif isinstance(raw, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            shown = 16 if isinstance(raw, datetime) else len(str(cell.value or ""))
            widths[column] = max(widths[column], min(shown, 60))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width + 2
    sheet.freeze_panes = "A2"


def render_xlsx(report: Report, lang: str) -> bytes:
    # openpyxl is imported where a workbook is made, not with the module: it adds ~20 MB
    # to every process (web and scheduler) that would otherwise load it at start-up.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    by_key = {table.key: table for table in tables(report, lang)}
    workbook = Workbook()
    assert workbook.active is not None
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for key in XLSX_ORDER:
        table = by_key[key]
        sheet = workbook.create_sheet(_sheet_name(table.title, taken))
        _write_sheet(sheet, table)
        if key == "by_sector":  # the last row is the total
            for cell in sheet[sheet.max_row]:
                cell.font = bold
        if key == "summary":
            for cell in sheet["A"]:
                cell.font = bold
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
