"""The access log: one line per request, `GET /r/*** 200 12ms`, on the `webinar.access`
logger. Personal tokens never reach it (the token segment of /r/ and /j/ paths is
masked, query strings are left out) and neither do client addresses: the rate limiter
keeps those in memory only as long as it needs them. Cheap: a clock read and one
formatted line, skipped entirely when the logger is not enabled for INFO."""

from __future__ import annotations

import logging
import re
import time

from aiohttp import web

log = logging.getLogger("webinar.access")

_TOKEN_SEGMENT = re.compile(r"^/([rj])/[^/]+")


def masked_path(path: str) -> str:
    """The request path with a personal link's token replaced by ***: what
    `_TOKEN_SEGMENT.sub(r"/\1/***", path)` gives, by slicing (every request logs one)."""
    if path[:3] not in ("/r/", "/j/") or path[3:4] in ("", "/"):
        return path
    end = path.find("/", 3)
    return path[:3] + "***" + ("" if end < 0 else path[end:])


@web.middleware
async def access_log_middleware(request: web.Request, handler):
    if not log.isEnabledFor(logging.INFO):
        return await handler(request)
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:  # redirects arrive raised
        status = exc.status
        raise
    finally:
        took = (time.perf_counter() - started) * 1000
        log.info("%s %s %d %dms", request.method, masked_path(request.path), status, took)
