"""Typed keys of per-request storage."""

from aiohttp import web

LANG = web.RequestKey("lang", str)
LANG_CHOSEN = web.RequestKey("lang_chosen", str)
CSRF_NONCE = web.RequestKey("csrf_nonce", str)
CSRF_NEW_COOKIE = web.RequestKey("csrf_new_cookie", str)
