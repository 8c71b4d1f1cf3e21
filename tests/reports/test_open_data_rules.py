"""The open-data suppression rule on small tables: cells under 5 hidden, and where a
column has exactly one hidden cell that its published total would reveal, the smallest
other cell hidden too; the published aggregate of a report has no personal data."""

from __future__ import annotations

import csv
import io
import json

from tests.reports.dataset import facts
from webinar.reports.compute import Person, compute
from webinar.reports.open_data import open_data, render_csv, suppress_column


def test_one_small_cell_and_its_complementary_cell():
    # 3 would be 42 - 12 - 7 - 20: the smallest other cell (7) goes too.
    assert suppress_column([12, 3, 7, 20], 42) == ([12, None, None, 20], 42)


def test_two_small_cells_need_no_complementary_cell():
    assert suppress_column([12, 3, 2, 20], 37) == ([12, None, None, 20], 37)


def test_zero_is_under_five_and_ties_take_the_first():
    assert suppress_column([0, 9, 9], 18) == ([None, None, 9], 18)


def test_a_small_total_is_suppressed_with_its_cells():
    assert suppress_column([1, 2], 3) == ([None, None], None)
    assert suppress_column([], 0) == ([], None)
    assert suppress_column([5, 6], 11) == ([5, 6], 11)


def people() -> list[Person]:
    """Academic 12 registered (10 attended), public 6 (5), private 3 (1), cooperation
    none; countries GT 14 (11), SV 6 (5), HN 1 (0). Organizations are personal-ish text
    that must not appear."""
    out = []
    for sector, country, n, came in (("academic", "GT", 12, 10), ("public", "SV", 6, 5),
                                     ("private", "GT", 2, 1), ("private", "HN", 1, 0)):
        out += [Person("confirmed", sector, country, "Secret Org", i < came, 30)
                for i in range(n)]
    out.append(Person("waitlisted", "academic", "CR", "Secret Org", True, 30))
    return out


def test_aggregate_of_a_report():
    data = open_data(compute(facts(), people(), 0, []), "Universidad de San Carlos").to_json()
    sectors = {row["sector"]: row for row in data["by_sector"]["rows"]}
    assert [row["sector"] for row in data["by_sector"]["rows"]] == [
        "academic", "cooperation", "public", "private"]
    # registered: 12, 0, 6, 3 -> two small cells (0 and 3): nothing more to hide.
    assert [sectors[s]["registered"] for s in sectors] == [12, None, 6, None]
    # attended: 10, 0, 5, 1 -> two small cells.
    assert [sectors[s]["attended"] for s in sectors] == [10, None, 5, None]
    assert data["by_sector"]["total"] == {"registered": 21, "attended": 16}
    countries = {row["country"]: row for row in data["by_country"]["rows"]}
    # registered: GT 14, SV 6, HN 1 -> HN hidden, and SV (the smallest other) with it.
    assert (countries["GT"]["registered"], countries["SV"]["registered"],
            countries["HN"]["registered"]) == (14, None, None)
    # attended: GT 11, SV 5, HN 0 -> HN hidden, SV with it.
    assert (countries["GT"]["attended"], countries["SV"]["attended"],
            countries["HN"]["attended"]) == (11, None, None)
    assert "CR" not in countries  # waitlisted people are not registered
    assert data["licence"]["name"] == "CC BY 4.0"
    assert data["event"]["title"] == facts().title
    assert data["event"]["date"] == "2026-12-03"
    assert data["publisher"] == "Universidad de San Carlos"
    assert "Secret Org" not in json.dumps(data)


def test_csv_of_the_aggregate():
    data = open_data(compute(facts(), people(), 0, []), "Universidad de San Carlos")
    rows = list(csv.reader(io.StringIO(render_csv(data, "en"))))
    assert rows[0] == ["Event", facts().title]
    assert ["Licence", "CC BY 4.0 https://creativecommons.org/licenses/by/4.0/"] in rows
    by_country = rows[rows.index(["Registered and attended by country"]) + 1:]
    assert by_country[0] == ["Code", "Country", "Registered", "Attended"]
    assert by_country[1:] == [["GT", "Guatemala", "14", "11"], ["SV", "El Salvador", "*", "*"],
                              ["HN", "Honduras", "*", "*"], ["", "Total", "21", "16"]]
    assert "Secret Org" not in render_csv(data, "es")
