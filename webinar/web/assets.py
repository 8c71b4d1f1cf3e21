"""Static files served from our own origin (the favicon; an organizer's logo may join them):
each read once at start-up, answered with its type, a strong ETag and a long public cache
lifetime, and 304 when the browser already holds it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

STATIC_DIR = Path(__file__).parent / "static"
MAX_AGE = 7 * 24 * 3600  # a week: the files change only with a release


@dataclass(frozen=True)
class Asset:
    body: bytes
    content_type: str
    etag: str


def load(name: str, content_type: str) -> Asset:
    body = (STATIC_DIR / name).read_bytes()
    return Asset(body, content_type, '"' + hashlib.sha256(body).hexdigest()[:16] + '"')


def handler(asset: Asset):
    async def serve(request: web.Request) -> web.Response:
        headers = {"Cache-Control": f"public, max-age={MAX_AGE}", "ETag": asset.etag}
        if asset.etag in request.headers.get("If-None-Match", ""):
            return web.Response(status=304, headers=headers)
        return web.Response(body=asset.body, content_type=asset.content_type, headers=headers)
    return serve


# URL path -> (file in static/, content type)
FILES = {"/favicon.ico": ("favicon.ico", "image/x-icon")}


def setup(app: web.Application) -> None:
    for path, (name, content_type) in FILES.items():
        app.router.add_get(path, handler(load(name, content_type)))
