"""How a web process stops (SIGTERM, `webinar serve`): it stops accepting, lets the
requests being handled finish within a short grace (GRACE_SECONDS, handed to aiohttp as
its shutdown timeout, 60 s by default), and cuts at once the connections whose request
body is still arriving.

Why cut those: a client that sent its headers (Content-Length: 1000) and half its body,
then waits, keeps its handler waiting on `request.read()`; aiohttp's shutdown waits for
every handler, so one such client held the process for the whole shutdown timeout. Its
request has not been acted on (nothing is read, decided or stored before the body is
whole), so closing its connection loses nothing: the handler's read raises
ConnectionResetError, which `middleware.error_middleware` answers quietly, and the
client, which was told nothing, sends it again to the next process. A request whose body
is all in is being handled: it gets the grace, and its answer is sent once its
transaction has committed, as always.
"""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.typedefs import Handler

log = logging.getLogger(__name__)

# How long requests under way may take to finish once the process is told to stop; then
# aiohttp cancels them (and waits as long again for the cancellation, at most).
GRACE_SECONDS = 5.0

# The requests being handled whose body had not all arrived when their handler started
# (a request whose body is in at that moment never needs cutting), by id().
RECEIVING = web.AppKey("receiving", dict[int, web.BaseRequest])


@web.middleware
async def track_receiving(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Keep the requests whose body is still arriving where the shutdown finds them."""
    if request.content.is_eof():  # no body, or all of it received: nothing to track
        return await handler(request)
    receiving = request.app[RECEIVING]
    receiving[id(request)] = request
    try:
        return await handler(request)
    finally:
        receiving.pop(id(request), None)


async def cut_unfinished_bodies(app: web.Application) -> None:
    """On shutdown: close the connections whose request body has not all arrived."""
    cut = 0
    for request in list(app[RECEIVING].values()):
        transport = request.transport
        if not request.content.is_eof() and transport is not None:
            transport.close()
            cut += 1
    if cut:
        log.info("stopping: closed %d connection(s) still sending a request body", cut)


def setup(app: web.Application) -> None:
    app[RECEIVING] = {}
    app.middlewares.append(track_receiving)
    app.on_shutdown.append(cut_unfinished_bodies)
