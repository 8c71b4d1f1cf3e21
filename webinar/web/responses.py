"""Helpers every view uses: the request's language, page rendering, JSON errors, bodies."""

from __future__ import annotations

import json
import secrets
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError

from webinar.events.model import Event
from webinar.i18n import LANGUAGE_COOKIE, format_span, format_when, translations
from webinar.identity import host_for
from webinar.runtime import Resources
from webinar.web.keys import CSRF, RESOURCES
from webinar.web.request_keys import LANG, LANG_CHOSEN
from webinar.web.security import CSRF_FIELD, content_security_policy

PUBLIC_BODY_LIMIT = 32 * 1024


def resources(request: web.Request) -> Resources:
    return request.app[RESOURCES]


def lang(request: web.Request) -> str:
    return request.get(LANG, "es")


def gettext(request: web.Request):
    return translations(lang(request)).gettext


def render(request: web.Request, template: str, context: dict[str, Any] | None = None,
           status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    res = resources(request)
    language = lang(request)
    t = translations(language)
    csrf = request.app[CSRF]
    ctx = {
        "_": t.gettext,
        "ngettext": t.ngettext,
        "lang": language,
        "other_lang": "en" if language == "es" else "es",
        "path": request.path,
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf.token_for(request),
        "when": lambda moment, tz: format_when(moment, tz, language),
        "span": lambda event: format_span(event.starts_at, event.ends_at, event.timezone,
                                          language),
        "base_url": res.settings.base_url,
        # For a page's own small inline scripts (<script nonce="{{ nonce }}">).
        "nonce": secrets.token_urlsafe(18),
    }
    ctx.update(context or {})
    event = ctx.get("event")
    ctx.setdefault("host", host_for(res.settings, event if isinstance(event, Event) else None))
    body = res.templates.get_template(template).render(ctx)
    response = web.Response(text=body, status=status, content_type="text/html",
                            charset="utf-8", headers=headers)
    if ("Content-Security-Policy" not in response.headers
            and f'nonce="{ctx["nonce"]}"' in body):
        # A page with a script of its own lets that one run, by its nonce, and no other;
        # a page without keeps the strict policy (the middleware's default).
        response.headers["Content-Security-Policy"] = content_security_policy(
            script_src=f"'nonce-{ctx['nonce']}'")
    csrf.set_cookie(request, response)
    # Pages are mostly text (the country list alone is 8 kB): gzip them for slow phones.
    response.enable_compression()
    return response


def form_refusal(request: web.Request, submitted: str | None, expired: str) -> str | None:
    """None when a form's CSRF token is good; otherwise what to tell the person: that
    cookies are needed when the browser sent none, else `expired` (already translated)."""
    csrf = request.app[CSRF]
    if csrf.valid(request, submitted):
        return None
    if not csrf.cookie_sent(request):
        _ = gettext(request)
        return _(
            "This form needs cookies to protect you, and your browser sent none. Please "
            "allow cookies for this site, then send the form again.")
    return expired


def json_response(data: Any, status: int = 200, headers: dict | None = None) -> web.Response:
    return web.json_response(data, status=status, headers=headers,
                             dumps=lambda d: json.dumps(d, ensure_ascii=False))


def _error_body(error: str, message: str, errors: dict[str, str] | None) -> dict[str, Any]:
    body: dict[str, Any] = {"error": error, "message": message}
    if errors is not None:
        body["errors"] = errors
    return body


def json_error(status: int, error: str, message: str,
               errors: dict[str, str] | None = None, headers: dict | None = None) -> web.Response:
    return json_response(_error_body(error, message, errors), status=status, headers=headers)


def json_exception(exc_class: type[web.HTTPException], error: str, message: str,
                   errors: dict[str, str] | None = None,
                   headers: dict | None = None) -> web.HTTPException:
    """The same JSON answer as json_error, to raise from a helper deep in a view."""
    return exc_class(text=json.dumps(_error_body(error, message, errors), ensure_ascii=False),
                     content_type="application/json", headers=headers)


async def read_body(request: web.Request, limit: int) -> bytes:
    """The body, refusing (413) anything over `limit`, declared or not."""
    if request.content_length is not None and request.content_length > limit:
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=request.content_length)
    chunks, size = [], 0
    while True:
        chunk = await request.content.read(64 * 1024)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=size)
        chunks.append(chunk)
    return b"".join(chunks)


async def read_form(request: web.Request, limit: int = PUBLIC_BODY_LIMIT) -> dict[str, str]:
    ctype = request.content_type
    if ctype not in ("application/x-www-form-urlencoded", ""):
        raise web.HTTPUnsupportedMediaType()
    raw = await read_body(request, limit)
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, max_num_fields=100)
    except (UnicodeDecodeError, ValueError) as exc:
        raise web.HTTPBadRequest() from exc
    form: dict[str, str] = {}
    for key, value in pairs:
        form.setdefault(key, value)
    return form


async def read_json(request: web.Request, limit: int) -> Any:
    """Parsed JSON, or a 400 answer as an exception. The one place API bodies are read.

    Only `application/json` (UTF-8, the only charset JSON has) is read: a cross-site page
    can send text/plain or a form without a CORS preflight, never application/json."""
    _ = gettext(request)
    charset = (request.charset or "utf-8").lower().replace("_", "-")
    if request.content_type != "application/json" or charset not in ("utf-8", "utf8"):
        raise json_exception(web.HTTPUnsupportedMediaType, "unsupported_media_type",
                             _("Send the body as JSON, with Content-Type: application/json."))
    raw = await read_body(request, limit)
    try:
        return json.loads(raw.decode("utf-8")) if raw else None
    except RecursionError:
        # "[[[[...]]]]" nested deeper than the parser recurses: bad input, not a crash.
        raise json_exception(web.HTTPBadRequest, "malformed_json",
                             _("The body is nested too deeply.")) from None
    except (UnicodeDecodeError, ValueError):
        raise json_exception(web.HTTPBadRequest, "malformed_json",
                             _("The body is not valid JSON.")) from None


def set_language_cookie(request: web.Request, response: web.StreamResponse) -> None:
    chosen = request.get(LANG_CHOSEN)
    if chosen:
        response.set_cookie(LANGUAGE_COOKIE, chosen, max_age=365 * 86400, samesite="Lax",
                            path="/", httponly=True)


async def read_multipart(request: web.Request, limit: int,
                         files: tuple[str, ...]) -> tuple[dict[str, str], dict[str, bytes]]:
    """A multipart/form-data body as (text fields, file fields named in `files`), the first
    of each name; 415 for another type, 413 past `limit` bytes (declared or not), 400 for
    a body that is not well-formed multipart or text fields that are not UTF-8."""
    if request.content_type != "multipart/form-data":
        raise web.HTTPUnsupportedMediaType()
    if request.content_length is not None and request.content_length > limit:
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=request.content_length)
    fields: dict[str, str] = {}
    uploads: dict[str, bytes] = {}
    size = 0
    try:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or not part.name or \
                    part.name in fields or part.name in uploads or len(fields) >= 100:
                await part.release()
                continue
            chunks = []
            while chunk := await part.read_chunk(64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=size)
                chunks.append(chunk)
            data = b"".join(chunks)
            if part.name in files:
                uploads[part.name] = data
            else:
                fields[part.name] = data.decode("utf-8")
    except (ValueError, AssertionError, LookupError, HttpProcessingError) as exc:
        raise web.HTTPBadRequest() from exc  # malformed (UnicodeDecodeError is a ValueError)
    return fields, uploads
