"""The CSV and XLSX exports read back with the csv module and openpyxl: the by-sector table
first, the other tables as titled sections / sheets, numbers as numbers, and text typed by
registrants never turned into a formula."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from tests.reports.dataset import facts, report
from webinar.reports.compute import Person, compute
from webinar.reports.exports import render_csv, render_xlsx
from webinar.reports.tables import neutralise


def sections(text: str) -> list[list[list[str]]]:
    """The CSV split at its blank lines."""
    result: list[list[list[str]]] = [[]]
    for row in csv.reader(io.StringIO(text)):
        if not row:
            result.append([])
        else:
            result[-1].append(row)
    return result


@pytest.mark.parametrize("text, safe", [
    ("=1+2", "'=1+2"), ("+34 600", "'+34 600"), ("-Empresa", "'-Empresa"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("USAC", "USAC"), ("", ""), ("Ministerio = bien", "Ministerio = bien"),
])
def test_neutralise(text, safe):
    assert neutralise(text) == safe


def test_csv_starts_with_the_by_sector_table():
    first, *_rest = sections(render_csv(report(), "en"))
    assert first[0] == ["Code", "Sector", "Registered", "Attended", "Attendance rate",
                        "Average minutes", "Median minutes"]
    assert first[1] == ["academic", "Academic", "3", "2", "0.667", "52.5", "52.5"]
    assert first[2] == ["cooperation", "International cooperation", "0", "0", "0.000",
                        "0.0", "0.0"]
    assert [row[0] for row in first[1:]] == ["academic", "cooperation", "public", "private",
                                             "_other", ""]
    assert first[-1] == ["", "Total", "9", "6", "0.667", "36.0", "38.0"]


def test_csv_sections_each_with_title_and_header():
    parts = sections(render_csv(report(), "en"))
    titles = [part[0][0] for part in parts[1:]]
    assert titles == ["Summary", "Countries", "Organizations", "Present minute by minute",
                      "New and returning participants"]
    summary = dict(row for row in parts[1][2:])
    assert summary["Walk-ins (not registered)"] == "4"
    assert summary["Waitlisted"] == "2" and summary["Cancelled"] == "1"
    assert summary["Starts"] == "2026-12-03T09:00:00-06:00"
    countries = parts[2]
    assert countries[1] == ["Code", "Country", "Registered", "Attended"]
    assert countries[2] == ["GT", "Guatemala", "5", "5"]
    assert ["", "Not given", "1", "0"] in countries
    timeline = parts[4]
    assert timeline[1] == ["Minute (UTC)", "Local time", "Present"]
    assert timeline[2] == ["2026-12-03T14:45:00Z", "2026-12-03T08:45:00-06:00", "0"]
    assert len(timeline) == 2 + 75


def test_csv_neutralises_formulas_from_registrants():
    organizations = sections(render_csv(report(), "en"))[3]
    names = [row[0] for row in organizations[2:]]
    assert "'=HYPERLINK(\"http://x\")" in names
    assert "'-Empresa" in names
    assert not any(name.startswith(("=", "+", "-", "@")) for name in names)


def test_csv_in_spanish_and_a_title_that_looks_like_a_formula():
    people = [Person("confirmed", "academic", "GT", "@org", True, 5)]
    text = render_csv(compute(facts(title="=cmd|' /C calc'!A0"), people, 0, []), "es")
    parts = sections(text)
    assert parts[0][0][:4] == ["Código", "Sector", "Inscritas", "Asistieron"]
    assert parts[0][1][1] == "Académico"
    summary = dict(row for row in parts[1][2:])
    assert summary["Evento"] == "'=cmd|' /C calc'!A0"
    assert parts[3][2][0] == "'@org"


def test_csv_of_an_empty_event():
    parts = sections(render_csv(compute(facts(), [], 0, []), "en"))
    assert len(parts[0]) == 1 + 4 + 1  # header, four sectors, total
    assert parts[0][-1] == ["", "Total", "0", "0", "0.000", "0.0", "0.0"]
    assert [len(part) for part in parts[2:5]] == [2, 2, 2]  # title and header, no rows


def load(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_xlsx_one_sheet_per_table():
    book = load(render_xlsx(report(), "en"))
    assert book.sheetnames == ["Summary", "Attendance by sector", "Countries",
                               "Organizations", "Present minute by minute",
                               "New and returning participants"]
    spanish = load(render_xlsx(report(), "es"))
    assert spanish.sheetnames == ["Resumen", "Asistencia por sector", "Países",
                                  "Organizaciones", "Presentes minuto a minuto",
                                  "Asistentes nuevos y recurrentes"]


def test_xlsx_values_numbers_and_formats():
    book = load(render_xlsx(report(), "en"))
    sheet = book["Attendance by sector"]
    header = [c.value for c in sheet[1]]
    assert header == ["Code", "Sector", "Registered", "Attended", "Attendance rate",
                      "Average minutes", "Median minutes"]
    assert all(c.font.bold for c in sheet[1])
    academic = [c.value for c in sheet[2]]
    assert academic == ["academic", "Academic", 3, 2, 0.667, 52.5, 52.5]
    assert sheet["E2"].number_format == "0.0%"
    assert isinstance(sheet["C2"].value, int)
    total = [c.value for c in sheet[sheet.max_row]]
    assert total == [None, "Total", 9, 6, 0.667, 36.0, 38.0]
    summary = {row[0].value: row[1].value for row in book["Summary"].iter_rows(min_row=2)}
    assert summary["Registered"] == 9 and summary["Walk-ins (not registered)"] == 4
    assert summary["Starts"] == datetime(2026, 12, 3, 9, 0)  # the event's local time
    assert summary["Summary"].startswith("The forum was attended by 6 participants")
    timeline = book["Present minute by minute"]
    assert [c.value for c in timeline[2]] == ["2026-12-03T14:45:00Z",
                                              datetime(2026, 12, 3, 8, 45), 0]
    assert timeline.max_row == 1 + 75
    countries = book["Countries"]
    assert [c.value for c in countries[2]] == ["GT", "Guatemala", 5, 5]


def test_xlsx_neutralises_formulas_from_registrants():
    book = load(render_xlsx(report(), "en"))
    sheet = book["Organizations"]
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert "'=HYPERLINK(\"http://x\")" in names and "'-Empresa" in names
    for row in sheet.iter_rows(min_row=2):
        assert row[0].data_type == "s"  # a string, never a formula ("f")


def test_xlsx_of_an_empty_event_and_control_characters():
    people = [Person("confirmed", "academic", "GT", "Org\x07anization", False, 0)]
    book = load(render_xlsx(compute(facts(), people, 0, []), "es"))
    assert [row[0].value for row in book["Organizaciones"].iter_rows(min_row=2)] == [
        "Organization"]
    empty = load(render_xlsx(compute(facts(), [], 0, []), "en"))
    assert empty["Present minute by minute"].max_row == 1
