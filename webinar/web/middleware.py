"""Middleware every request passes: security headers, the request's language, and the one
place where errors (HTTP and domain) become answers, JSON for the API and a page
otherwise, never a traceback."""

from __future__ import annotations

import logging
import re

from aiohttp import web

from webinar.errors import Conflict, NotFound
from webinar.i18n import LANGUAGE_COOKIE, LANGUAGES, N_, pick_language, translations
from webinar.web.request_keys import LANG, LANG_CHOSEN
from webinar.web.responses import json_error, render, set_language_cookie
from webinar.web.security import content_security_policy

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # Personal tokens are in our URLs: never send them on to the platform as a Referer.
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": content_security_policy(),
}


@web.middleware
async def language_middleware(request: web.Request, handler):
    explicit = request.query.get("lang")
    request[LANG] = pick_language(explicit, request.cookies.get(LANGUAGE_COOKIE),
                                    request.headers.get("Accept-Language"))
    if explicit in LANGUAGES:
        request[LANG_CHOSEN] = explicit
    response = await handler(request)
    set_language_cookie(request, response)
    return response


def _is_api(request: web.Request) -> bool:
    return request.path.startswith("/api/")


_ERROR_TEXT = {
    400: ("bad_request", N_("The request could not be read.")),
    401: ("unauthorized", N_("Sign in or send a valid token.")),
    403: ("forbidden", N_("You may not do that.")),
    404: ("not_found", N_("This page does not exist.")),
    405: ("method_not_allowed", N_("That method is not allowed here.")),
    409: ("conflict", N_("That clashes with the current state; reload and try again.")),
    413: ("too_large", N_("The request is too large.")),
    415: ("unsupported_media_type", N_("That content type is not accepted here.")),
    429: ("rate_limited", N_("Too many requests; try again in a minute.")),
    500: ("internal_error", N_("Something went wrong on our side; nothing was lost.")),
}


PASSED_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")

# A personal link (/r/..., /j/...) that names no registration: mistyped, cut by a mail
# program, or from an old mail. Say where the right one is and how to get it again.
_PERSONAL_LINK = re.compile(r"^/[rj]/")
_PERSONAL_LINK_HELP = (
    N_("Personal links come in the confirmation email we sent when you registered. Open "
       "that email and use its link as it is: a link copied by hand or cut across two "
       "lines often loses a character."),
    N_("Lost the email? Open the event page and register again with the same address: "
       "nothing changes in your registration, and we send your links to that address "
       "again (at most once an hour)."),
)


@web.middleware
async def error_middleware(request: web.Request, handler):
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return _error_response(request, exc.status, exc)
    except NotFound:
        return _error_response(request, 404, None)
    except Conflict:
        return _error_response(request, 409, None)
    except ConnectionResetError:
        # The client went away before its body arrived (a phone losing its signal, a load
        # generator stopping): nobody is there to answer and nothing went wrong here. Not an
        # error in the log, and not re-raised, which would make aiohttp log one with the
        # client's address.
        log.debug("client gone during %s %s", request.method, _route_of(request))
        return web.Response(status=400, text="client closed the connection")
    except Exception:
        log.exception("unhandled error on %s %s", request.method, _route_of(request))
        return _error_response(request, 500, None)
    return response


def _route_of(request: web.Request) -> str:
    """The route's pattern ("/r/{token}"), never the path: paths carry personal tokens."""
    info = request.match_info.route.resource
    return info.canonical if info is not None else "(no route)"


def _error_response(request: web.Request, status: int, exc: web.HTTPException | None):
    code, message = _ERROR_TEXT.get(status, ("error", N_("The request failed.")))
    headers = {}
    if exc is not None:
        headers = {k: v for k, v in exc.headers.items() if k in PASSED_HEADERS}
        if exc.content_type == "application/json" and exc.text:
            return web.Response(status=status, text=exc.text, content_type="application/json",
                                headers=headers)
    t = translations(request.get(LANG, "es")).gettext
    if _is_api(request) or "application/json" in request.headers.get("Accept", "")[:40]:
        return json_error(status, code, t(message), headers=headers)
    help_lines: list[str] = []
    if status == 404 and _PERSONAL_LINK.match(request.path):
        help_lines = [t(line) for line in _PERSONAL_LINK_HELP]
    try:
        return render(request, "error.html", {"status": status, "message": t(message),
                                              "help": help_lines},
                      status=status, headers=headers)
    except Exception:
        log.exception("error page failed")
        return web.Response(status=status, text=message, headers=headers)


# Answers that carry a personal token (manage/join links, sessions) in their body, their
# links or their Location: no cache, shared or private, keeps them.
_TOKEN_PATHS = re.compile(r"^/(?:r/|j/|admin(?:/|$)|api/v1/events/[^/]+/registrations$)")
_TOKEN_LOCATION = re.compile(r"(?:^|/)(?:r|j)/")


def _carries_tokens(request: web.Request, response: web.StreamResponse) -> bool:
    if _TOKEN_PATHS.match(request.path):
        return True
    location = response.headers.get("Location", "")
    return bool(location) and bool(_TOKEN_LOCATION.search(location.split("?")[0]))


def _secure(request: web.Request, response: web.StreamResponse) -> None:
    """Adds each security header the response has not set itself: a view overrides one
    (the watch page's CSP, built with `content_security_policy`) by setting it."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if _carries_tokens(request, response):
        response.headers["Cache-Control"] = "no-store"


@web.middleware
async def headers_middleware(request: web.Request, handler):
    """The security headers on every answer, and no-store on those carrying tokens.
    Redirects arrive here raised (aiohttp's HTTPException), so they are caught too."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        _secure(request, exc)
        raise
    _secure(request, response)
    return response
