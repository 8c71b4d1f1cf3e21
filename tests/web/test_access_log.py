"""The access log: one line per request (method, path, status, duration), with the
token part of personal links masked and no client address."""

from __future__ import annotations

import logging
import re

from tests.conftest import create_event, db_rows, person, submit_form


async def test_every_request_is_logged_without_tokens_or_addresses(client, caplog):
    caplog.set_level(logging.INFO, logger="webinar.access")
    await create_event(client)
    await submit_form(client, "foro-digital", person(1))
    row = db_rows(client, "SELECT token, join_token FROM registrations")[0]
    token, join_token = row["token"], row["join_token"]
    await client.get(f"/r/{token}?welcome=1")
    await client.get(f"/r/{token}/calendar.ics")
    await client.get(f"/j/{join_token}", allow_redirects=False)
    await client.get("/r/mistyped-token")
    lines = [r.getMessage() for r in caplog.records if r.name == "webinar.access"]
    text = "\n".join(lines)
    assert token not in text and join_token not in text and "mistyped-token" not in text
    assert "127.0.0.1" not in text and "::1" not in text
    assert re.search(r"^GET /events/foro-digital 200 \d+ms$", text, re.M), text
    assert re.search(r"^POST /events/foro-digital/register 303 \d+ms$", text, re.M)
    assert re.search(r"^GET /r/\*\*\* 200 \d+ms$", text, re.M)
    assert re.search(r"^GET /r/\*\*\*/calendar\.ics 200 \d+ms$", text, re.M)
    assert re.search(r"^GET /j/\*\*\* 200 \d+ms$", text, re.M)  # the waiting page
    assert re.search(r"^GET /r/\*\*\* 404 \d+ms$", text, re.M)
    assert "?" not in text  # no query strings
