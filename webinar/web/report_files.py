"""The attendance report as a download, in one language: the CSV (UTF-8 with a BOM so Excel
reads the accents) and the XLSX answers that the organizer report page (`?format=`) and the
API (`GET /api/v1/events/{slug}/report?format=`) both give."""

from __future__ import annotations

from aiohttp import web

from webinar.reports import render_csv, render_xlsx
from webinar.reports.model import Report

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def download(report: Report, fmt: str, lang: str) -> web.Response:
    """`fmt` (one of FORMATS) as an attachment named after the event's slug."""
    disposition = {"Content-Disposition":
                   f'attachment; filename="{report.event.slug}-report.{fmt}"'}
    if fmt == "csv":
        return web.Response(body=render_csv(report, lang).encode("utf-8-sig"),
                            content_type="text/csv", charset="utf-8", headers=disposition)
    if fmt == "xlsx":
        return web.Response(body=render_xlsx(report, lang), content_type=XLSX_TYPE,
                            headers=disposition)
    raise ValueError(fmt)
