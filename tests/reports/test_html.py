"""The report page: standalone, autoescaped, with both charts as inline SVG that parse as
XML and carry a title and text labels, the numbers, and every label in the language."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from html.parser import HTMLParser

import pytest

from tests.reports.dataset import STARTS, facts, report
from webinar.reports.charts import sector_bars, timeline_area
from webinar.reports.compute import Person, compute
from webinar.reports.html import render_html
from webinar.reports.sentence import summary_sentence
from webinar.runtime import template_env

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def env():
    return template_env()


def svgs(page: str) -> list[ET.Element]:
    return [ET.fromstring(part)  # noqa: S314 - our own output
            for part in re.findall(r"<svg\b.*?</svg>", page, re.S)]


class Balance(HTMLParser):
    """Checks that every non-void element that opens also closes, in order."""

    VOID = {"meta", "br", "img", "input", "link", "hr", "rect", "line", "circle",
            "polygon", "polyline", "path"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> with {self.stack[-3:]}")
        else:
            self.stack.pop()


def test_page_has_both_charts_and_the_numbers(env):
    page = render_html(report(), "en", env)
    charts = svgs(page)
    assert len(charts) == 2
    for chart in charts:
        assert chart.get("role") == "img"
        title = chart.find(f"{SVG}title")
        assert title is not None and title.text
        assert chart.get("aria-labelledby").split()[0] == title.get("id")
    bars, timeline = charts
    texts = [t.text for t in bars.iter(f"{SVG}text")]
    assert "Academic" in texts and "International cooperation" in texts
    assert "Other (no longer offered)" in texts
    assert texts.count("0") >= 2  # the sector with nobody still shows its zeros
    assert bars.find(f"{SVG}title").text == "Registered and attended by sector"
    timeline_texts = [t.text for t in timeline.iter(f"{SVG}text")]
    assert "Peak: 3 people at 09:10" in timeline_texts  # local time of the event
    assert "Start" in timeline_texts
    assert timeline.find(f"{SVG}circle") is not None
    assert summary_sentence(report(), "en") in page
    assert "0.667" not in page and "66.7%" in page
    assert ">9<" in page and ">36<" in page  # registered; average minutes


def test_page_is_standalone_printable_and_balanced(env):
    page = render_html(report(), "es", env)
    assert page.startswith("<!doctype html>")
    assert '<html lang="es">' in page
    assert "@page{size:A4" in page
    assert "<script" not in page.lower()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?https?:""", page)  # nothing external
    assert "http://www.w3.org/2000/svg" in page  # the only URL: the SVG namespace
    checker = Balance()
    checker.feed(page)
    assert checker.errors == [] and checker.stack == []


def test_page_in_spanish(env):
    page = render_html(report(), "es", env)
    assert "Informe de asistencia" in page
    assert "Asistencia por sector" in page
    assert "Cooperación internacional" in page
    assert "66,7\xa0%" in page
    assert "– 10:00</p>" in page  # ends the day it starts: only the time
    assert "Máximo: 3 personas a las 09:10" in page
    bars = svgs(page)[0]
    assert bars.find(f"{SVG}title").text == "Inscritas y asistentes por sector"


def test_text_from_registrants_and_organizers_is_escaped(env):
    people = [Person("confirmed", "academic", "GT", "<script>alert(1)</script>", True, 5)]
    r = compute(facts(title="Foro <b>&</b>"), people, 0, [])
    page = render_html(r, "en", env)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Foro &lt;b&gt;&amp;&lt;/b&gt;" in page
    for chart in svgs(page):  # still well-formed XML
        assert chart.tag == f"{SVG}svg"


def test_empty_event_page(env):
    page = render_html(compute(facts(), [], 0, []), "en", env)
    assert "No presence recorded." in page
    assert "Nobody registered for the forum." in page
    assert len(svgs(page)) == 1  # the sector chart, with its zeros


def test_charts_alone_parse_and_stay_inside_their_box():
    r = report()
    for chart in (sector_bars(r, "en"), timeline_area(r, "en")):
        root = ET.fromstring(str(chart))  # noqa: S314 - our own output
        _x, _y, width, height = (float(v) for v in root.get("viewBox").split())
        for rect in root.iter(f"{SVG}rect"):
            assert float(rect.get("x")) + float(rect.get("width")) <= width
            assert float(rect.get("y")) + float(rect.get("height")) <= height
        for point in root.iter(f"{SVG}polyline"):
            for pair in point.get("points").split():
                x, y = (float(v) for v in pair.split(","))
                assert 0 <= x <= width and 0 <= y <= height
    empty = compute(facts(), [], 0, [])
    assert "Nobody was present." in str(timeline_area(empty, "en"))


def test_a_long_event_chart_stays_small_and_keeps_its_peak():
    """A three-day event (4,320 minutes) draws at most one point a pixel column, and the
    single minute of the peak is still drawn at its height."""
    minutes = 3 * 24 * 60
    points = [{"minute": (STARTS + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
               "present": 50 if i == 1234 else 10} for i in range(minutes)]
    r = compute(facts(), [], 0, points)
    assert r.peak.present == 50
    root = ET.fromstring(str(timeline_area(r, "en")))  # noqa: S314 - our own output
    line = root.find(f"{SVG}polyline")
    pairs = line.get("points").split()
    assert len(pairs) <= 641
    ys = sorted(float(pair.split(",")[1]) for pair in pairs)
    circle = root.find(f"{SVG}circle")
    assert ys[0] == float(circle.get("cy"))  # the highest point drawn is the peak
