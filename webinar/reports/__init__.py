"""The attendance report: its model, the computation from plain inputs, and its renderers
(CSV, XLSX, HTML with inline SVG charts, the summary sentence)."""

from webinar.reports.compute import Person, compute
from webinar.reports.exports import render_csv, render_xlsx
from webinar.reports.html import render_html
from webinar.reports.model import OTHER_SECTOR, EventFacts, Report
from webinar.reports.sentence import summary_sentence

__all__ = ["OTHER_SECTOR", "EventFacts", "Person", "Report", "compute", "render_csv",
           "render_html", "render_xlsx", "summary_sentence"]
