"""Every number of the report on a known data set (tests/reports/dataset.py) and on the
edge cases: an empty event, a sector with nobody, walk-ins apart, waitlisted and cancelled
not counted, rates rounded half up, medians, the "other" row only when needed."""

from __future__ import annotations

import json

from tests.reports.dataset import PEOPLE, WALK_INS, facts, report, timeline
from webinar.events.model import Sector
from webinar.reports.compute import Person, compute, rate
from webinar.reports.model import OTHER_SECTOR


def test_totals_count_confirmed_only():
    r = report()
    assert r.registered == 9  # 3 academic + 4 public + 1 private + 1 "media"
    assert r.attended == 6
    assert r.attendance_rate == 0.667
    assert r.avg_minutes == 36.0  # (60 + 45 + 10 + 20 + 31 + 50) / 6
    assert r.median_minutes == 38.0  # (31 + 45) / 2
    assert (r.waitlisted, r.cancelled, r.walk_ins) == (2, 1, WALK_INS)


def test_every_offered_sector_in_order_zeros_included_and_other_last():
    rows = {row.sector: row for row in report().by_sector}
    assert [row.sector for row in report().by_sector] == [
        "academic", "cooperation", "public", "private", OTHER_SECTOR]
    academic = rows["academic"]
    assert (academic.registered, academic.attended, academic.attendance_rate) == (3, 2, 0.667)
    assert (academic.avg_minutes, academic.median_minutes) == (52.5, 52.5)
    cooperation = rows["cooperation"]
    assert (cooperation.registered, cooperation.attended, cooperation.attendance_rate,
            cooperation.avg_minutes, cooperation.median_minutes) == (0, 0, 0.0, 0.0, 0.0)
    public = rows["public"]
    assert (public.registered, public.attended, public.attendance_rate) == (4, 3, 0.75)
    assert (public.avg_minutes, public.median_minutes) == (20.3, 20.0)
    private = rows["private"]
    assert (private.registered, private.attended, private.avg_minutes) == (1, 0, 0.0)
    other = rows[OTHER_SECTOR]
    assert (other.registered, other.attended, other.avg_minutes) == (1, 1, 50.0)
    assert sum(row.registered for row in rows.values()) == report().registered
    assert sum(row.attended for row in rows.values()) == report().attended


def test_no_other_row_when_everyone_chose_an_offered_sector():
    people = [p for p in PEOPLE if p.sector != "media"]
    r = compute(facts(), people, 0, [])
    assert [row.sector for row in r.by_sector] == ["academic", "cooperation", "public",
                                                   "private"]
    assert r.by_sector[0].label("es") == "Académico"
    assert r.by_sector[0].label("en") == "Academic"


def test_empty_event():
    r = compute(facts(), [], 0, [])
    assert (r.registered, r.attended, r.attendance_rate) == (0, 0, 0.0)
    assert (r.avg_minutes, r.median_minutes, r.walk_ins) == (0.0, 0.0, 0)
    assert [(row.sector, row.registered) for row in r.by_sector] == [
        ("academic", 0), ("cooperation", 0), ("public", 0), ("private", 0)]
    assert r.countries == [] and r.organizations == [] and r.timeline == []
    assert (r.peak.minute, r.peak.present) == (None, 0)
    json.dumps(r.to_json())


def test_only_waitlisted_and_cancelled_people_give_an_empty_report():
    people = [Person("waitlisted", "academic", attended=True, minutes=30),
              Person("cancelled", "public", attended=True, minutes=30)]
    r = compute(facts(), people, 2, [])
    assert (r.registered, r.attended, r.waitlisted, r.cancelled, r.walk_ins) == (0, 0, 1, 1, 2)
    assert all(row.registered == 0 for row in r.by_sector)


def test_rate_is_rounded_half_up_from_the_exact_fraction():
    assert rate(2, 3) == 0.667
    assert rate(1, 3) == 0.333
    assert rate(1, 8) == 0.125
    assert rate(1, 16) == 0.063  # 0.0625: half up, not to even
    assert rate(1, 2000) == 0.001  # 0.0005
    assert rate(0, 0) == 0.0
    assert rate(7, 7) == 1.0


def test_median_of_an_odd_and_an_even_count():
    odd = [Person("confirmed", "academic", attended=True, minutes=m) for m in (5, 100, 7)]
    assert compute(facts(), odd, 0, []).median_minutes == 7.0
    even = odd + [Person("confirmed", "academic", attended=True, minutes=8)]
    r = compute(facts(), even, 0, [])
    assert r.median_minutes == 7.5
    assert r.avg_minutes == 30.0


def test_a_click_without_minutes_counts_as_attended_with_zero_minutes():
    people = [Person("confirmed", "academic", attended=True, minutes=0),
              Person("confirmed", "academic", attended=True, minutes=9)]
    r = compute(facts(), people, 0, [])
    assert (r.attended, r.avg_minutes, r.median_minutes) == (2, 4.5, 4.5)


def test_countries_sorted_by_registered_then_code():
    countries = [(c.country, c.registered, c.attended) for c in report().countries]
    assert countries == [("GT", 5, 5), ("", 1, 0), ("HN", 1, 0), ("MX", 1, 0), ("SV", 1, 1)]


def test_organizations_grouped_ignoring_case_and_spacing_top_n():
    orgs = [(o.organization, o.registered, o.attended) for o in report().organizations]
    assert orgs[:2] == [("Ministerio", 2, 2), ("USAC", 2, 2)]
    assert ("", 1, 0) not in orgs  # nobody's "no organization" is an organization
    assert len(orgs) == 6
    short = compute(facts(), PEOPLE, 0, [], top_organizations=2)
    assert len(short.organizations) == 2
    assert short.organizations_left_out == 4


def test_timeline_and_peak():
    r = report()
    assert r.timeline[0].minute == "2026-12-03T14:45:00Z"  # doors open
    assert r.timeline[-1].minute == "2026-12-03T15:59:00Z"
    assert len(r.timeline) == 75
    by_minute = {p.minute: p.present for p in r.timeline}
    assert by_minute["2026-12-03T14:50:00Z"] == 1
    assert by_minute["2026-12-03T15:35:00Z"] == 2  # overlapping intervals count once
    assert (r.peak.minute, r.peak.present) == ("2026-12-03T15:10:00Z", 3)  # the first of the top


def test_json_has_the_contract_keys():
    data = report().to_json()
    assert {"registered", "attended", "attendance_rate", "by_sector", "countries",
            "timeline", "walk_ins", "avg_minutes", "median_minutes", "waitlisted",
            "cancelled", "organizations", "peak", "event"} <= set(data)
    assert set(data["by_sector"][0]) >= {"sector", "registered", "attended",
                                         "attendance_rate", "avg_minutes", "median_minutes"}
    assert data["countries"][0] == {"country": "GT", "registered": 5, "attended": 5}
    assert data["timeline"][0] == {"minute": "2026-12-03T14:45:00Z", "present": 0}
    assert data["peak"] == {"minute": "2026-12-03T15:10:00Z", "present": 3}
    assert data["event"]["starts_at"] == "2026-12-03T09:00:00-06:00"
    assert data["by_sector"][-1]["label"] == {"es": "Otro (ya no ofrecido)",
                                              "en": "Other (no longer offered)"}
    assert json.loads(json.dumps(data)) == data


def test_timeline_accepts_the_intervals_module_output_unchanged():
    points = timeline()
    assert compute(facts(), [], 0, points).timeline[5].present == points[5]["present"]


def test_one_sector_event():
    only = (Sector("academic", "Academia", "Academia"),)
    people = [Person("confirmed", "academic", attended=True, minutes=10)]
    r = compute(facts(sectors=only), people, 0, [])
    assert [(row.sector, row.registered, row.attended) for row in r.by_sector] == [
        ("academic", 1, 1)]


def test_other_row_sums_every_sector_no_longer_offered():
    people = [Person("confirmed", "media", attended=True, minutes=40),
              Person("confirmed", "media", attended=False),
              Person("confirmed", "ngo", attended=True, minutes=20),
              Person("confirmed", "academic", attended=True, minutes=90),
              Person("waitlisted", "ngo", attended=True, minutes=60)]
    r = compute(facts(), people, 0, [])
    other = r.by_sector[-1]
    assert other.sector == OTHER_SECTOR
    assert (other.registered, other.attended, other.avg_minutes, other.median_minutes) == (
        3, 2, 30.0, 30.0)
    assert (r.registered, r.attended) == (4, 3)
