"""An unexpected error is logged with the route's pattern, not the path: paths carry
personal tokens (invitation links, manage links) that must not reach the logs."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing

import pytest

from tests.conftest import resources_of


@pytest.mark.once  # breaks the SQLite file under the store
async def test_a_crash_on_a_token_page_logs_no_token(client, caplog):
    with closing(sqlite3.connect(resources_of(client).settings.db_path)) as conn:
        conn.execute("DROP TABLE invitations")  # the page's query now fails
        conn.commit()
    token = "SECRETtokenVALUE1234567890abcdefghijklmnopq"
    with caplog.at_level(logging.ERROR):
        resp = await client.get(f"/admin/invite/{token}")
    assert resp.status == 500
    assert caplog.records, "the error is logged"
    assert token not in caplog.text
    assert "/admin/invite/{token}" in caplog.text
