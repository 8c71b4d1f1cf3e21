"""Incoming webhooks: `POST /api/v1/webhooks/zoom` (the rules are in
webinar.attendance.zoom_webhook).

Signed by Zoom, so neither the CSRF form token nor the API's Content-Type rule applies: the
raw body is read (at most 64 kB), its signature checked before anything else, and only
then parsed. Answers: 404 while WEBINAR_ZOOM_WEBHOOK_SECRET is unset; 401 for a missing or
wrong signature or a timestamp more than 5 minutes off (nothing stored); 400 for a body
that is not JSON or not the shape its event type promises; 200 for everything else,
including event types we do not take and meetings of no event (Zoom retries any other
answer, and a retry would change nothing).
"""

from __future__ import annotations

import json
import logging

from aiohttp import web
from pydantic import ValidationError

from webinar.attendance import zoom_webhook
from webinar.web.responses import gettext, json_error, json_response, read_body, resources

log = logging.getLogger(__name__)

BODY_LIMIT = 64 * 1024


def setup(app: web.Application) -> None:
    app.router.add_post("/api/v1/webhooks/zoom", zoom)


async def zoom(request: web.Request) -> web.Response:
    res = resources(request)
    secret = res.settings.zoom_webhook_secret
    if not secret:
        raise web.HTTPNotFound()
    _ = gettext(request)
    body = await read_body(request, BODY_LIMIT)
    verdict = zoom_webhook.verify(secret, request.headers.get("x-zm-request-timestamp"), body,
                                  request.headers.get("x-zm-signature"), res.now())
    if verdict == zoom_webhook.STALE:
        return json_error(401, "stale_timestamp",
                          _("The request's timestamp is more than 5 minutes off."))
    if verdict != zoom_webhook.VALID:
        return json_error(401, "bad_signature", _("The request's signature is not valid."))
    try:
        envelope = zoom_webhook.Envelope.model_validate(json.loads(body.decode("utf-8")))
    except (UnicodeDecodeError, ValueError, RecursionError, ValidationError):
        return json_error(400, "malformed_json", _("The body is not valid JSON."))
    try:
        if envelope.event == zoom_webhook.URL_VALIDATION:
            return json_response(
                zoom_webhook.url_validation(secret, zoom_webhook.plain_token(envelope)))
        if envelope.event not in zoom_webhook.PARTICIPANT_EVENTS:
            return json_response({"status": "ignored"})
        outcome = await zoom_webhook.handle_participant(res.store, res.now(), envelope)
    except zoom_webhook.PayloadProblem:
        return json_error(400, "invalid_payload",
                          _("The body is not a Zoom event of the kind it names."))
    log.info("zoom webhook %s: %s", envelope.event, outcome.status)
    return json_response({"status": outcome.status})
