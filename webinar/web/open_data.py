"""Open data: the public, anonymous aggregate of an ended event whose organizer switched
`open_data` on (webinar/reports/open_data.py), as JSON and as CSV. Any other event, and
one that has not ended, is a 404."""

from __future__ import annotations

from aiohttp import web

from webinar.certificates.service import host_name
from webinar.errors import EventNotFound
from webinar.events import service as events_service
from webinar.reports import open_data
from webinar.reports.service import build_report
from webinar.web.responses import json_response, lang, resources

HEADERS = {"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"}


def setup(app: web.Application) -> None:
    app.router.add_get("/open-data/{slug}.json", as_json, name="open_data_json")
    app.router.add_get("/open-data/{slug}.csv", as_csv, name="open_data_csv")


async def _published(request: web.Request) -> open_data.OpenData:
    res = resources(request)
    try:
        event = await events_service.get(res.store, request.match_info["slug"])
    except EventNotFound:
        raise web.HTTPNotFound() from None
    now = res.now()
    if not event.open_data or event.status != "published" or now < event.ends_at:
        raise web.HTTPNotFound()
    report = await build_report(res.store, event, now)
    return open_data.open_data(report, host_name(res.settings, event))


async def as_json(request: web.Request) -> web.Response:
    data = await _published(request)
    return json_response(data.to_json(), headers=HEADERS)


async def as_csv(request: web.Request) -> web.Response:
    data = await _published(request)
    body = open_data.render_csv(data, lang(request)).encode("utf-8-sig")
    return web.Response(body=body, content_type="text/csv", charset="utf-8", headers={
        **HEADERS, "Content-Disposition": f'attachment; filename="{data.slug}-open-data.csv"'})
