"""Schemathesis fuzzes the JSON API of a real `webinar serve` process, driven by the API's
own OpenAPI document: no answer is ever a 5xx, and every answer is as documented (status
code, content type, body schema).

The document is built at import time with `openapi_document` (schemathesis' lazy
`from_fixture` loader does not work with pytest 9.2) for a placeholder address; each case
is sent to the server's real address (`base_url`), and a test checks that the server
serves exactly that document for its address.

Self-contained: the module's own server process, data dir, organizer and events, its port
picked when the server starts (not at import, when a test run long after could find it
taken), and every test checks the server log for a traceback after its own requests, so
each test means the same alone, first or last.

Random slugs mostly reach the 404 branch, so the operations on an event also run with the
slug fixed (a schemathesis parameter override) to events that exist: one whose registrations
are fuzzed, and another that PATCH may change at will.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import free_port
from tests.serving import serve_command, webinar_command, webinar_env
from webinar.web.openapi import openapi_document

PLACEHOLDER_URL = "http://127.0.0.1:9"  # the document's address; requests go to server.base_url
SLUG = "fuzz-forum"  # a published event whose registrations are fuzzed
PATCH_SLUG = "fuzz-patch"  # a published event PATCH may change at will
ORGANIZER = "fuzz@example.org"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
# Deterministic (derandomize: the same cases on every run), bounded, no example database.
FUZZ = settings(max_examples=50, deadline=None, derandomize=True, database=None)


@dataclass
class Server:
    base_url: str
    token: str
    log_path: Path
    log_checked: int = 0  # how much of the log the last check read

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def call(self, case, **kwargs):
        """Send a case to this server, validate the answer, and check that handling it
        logged no traceback (an exception let through is a bug even behind a fine answer)."""
        response = case.call_and_validate(base_url=self.base_url, checks=CHECKS, **kwargs)
        self.assert_no_new_traceback()
        return response

    def assert_no_new_traceback(self) -> None:
        text = self.log_path.read_text()
        new, self.log_checked = text[self.log_checked:], len(text)
        assert "Traceback" not in new, new


def _cli(env: dict, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(webinar_command(*args), env=env, input=stdin,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _wait_healthy(base_url: str, proc: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the server exited:\n{log_path.read_text()}")
        try:
            if requests.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    pytest.fail(f"the server never answered /healthz:\n{log_path.read_text()}")


def _event_body(slug: str, starts_at: str | None = None, ends_at: str | None = None,
                **overrides) -> dict:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
    body = {"slug": slug, "title": f"Fuzz forum {slug}", "status": "published",
            "starts_at": starts_at or start.isoformat(),
            "ends_at": ends_at or (start + timedelta(hours=2)).isoformat(),
            "timezone": "America/Guatemala", "organizer_emails": [ORGANIZER]}
    body.update(overrides)
    return body


def _create_event(server: Server, slug: str) -> None:
    resp = requests.post(f"{server.base_url}/api/v1/events", json=_event_body(slug),
                         headers=server.auth, timeout=10)
    assert resp.status_code == 201, resp.text


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("fuzz")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = webinar_env(data_dir=data_dir, base_url=base_url, rate_limit=0,
                      secret_key="fuzz-secret-key")
    _cli(env, "organizer", "create", ORGANIZER, "--password-stdin", stdin="a long password\n")
    token = _cli(env, "token", "create", ORGANIZER).strip().splitlines()[-1]
    log_path = data_dir / "server.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(serve_command(port, "--no-scheduler"),
                                env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_healthy(base_url, proc, log_path)
        srv = Server(base_url, token, log_path)
        _create_event(srv, SLUG)
        _create_event(srv, PATCH_SLUG)
        srv.assert_no_new_traceback()
        yield srv
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _schema(slug: str | None = None):
    config = {"base-url": PLACEHOLDER_URL}
    if slug:
        config["parameters"] = {"path.slug": slug}
    config = schemathesis.Config.from_dict(config)
    return schemathesis.openapi.from_dict(openapi_document(PLACEHOLDER_URL), config=config)


any_slug = _schema()
on_real_event = _schema(SLUG).exclude(method="PATCH")
patching = _schema(PATCH_SLUG).include(method="PATCH")


def test_the_served_document_is_the_fuzzed_one(server):
    served = requests.get(f"{server.base_url}/api/v1/openapi.json", timeout=10)
    assert served.status_code == 200
    assert served.json() == openapi_document(server.base_url)


@FUZZ
@any_slug.parametrize()
def test_anonymous_requests(case, server):
    server.call(case)


@FUZZ
@on_real_event.parametrize()
def test_anonymous_requests_on_a_real_event(case, server):
    server.call(case)


@FUZZ
@on_real_event.parametrize()
def test_organizer_requests_on_a_real_event(case, server):
    server.call(case, headers=server.auth)


@FUZZ
@any_slug.parametrize()
def test_organizer_requests(case, server):
    server.call(case, headers=server.auth)


@FUZZ
@patching.parametrize()
def test_patching_a_real_event(case, server):
    response = server.call(case, headers=server.auth)
    if response.status_code == 200 and response.json()["slug"] != PATCH_SLUG:
        # A valid new slug moved the event: move it back so the next cases still reach it.
        back = requests.patch(f"{server.base_url}/api/v1/events/{response.json()['slug']}",
                              json={"slug": PATCH_SLUG}, headers=server.auth, timeout=10)
        assert back.status_code == 200, back.text


# Values random generation seldom builds: whole valid bodies at the edges of what the
# types allow. Each goes through the same checks.
EVENTS, EVENT, REGISTRATIONS = ("/api/v1/events", "/api/v1/events/{slug}",
                                "/api/v1/events/{slug}/registrations")
EDGE_CASES = [
    pytest.param("POST", EVENTS, {"body": _event_body(
        "edge-year-1", "0001-01-01T00:00:00+00:00", "0001-01-01T02:00:00+00:00")},
        id="event in year 1"),
    pytest.param("POST", EVENTS, {"body": _event_body(
        "edge-year-9999", "9999-12-31T20:00:00-23:00", "9999-12-31T22:00:00-23:00")},
        id="event past year 9999 in UTC"),
    pytest.param("POST", EVENTS, {"body": _event_body("edge-delay", report_delay="9" * 20 + "d")},
                 id="huge report delay"),
    pytest.param("POST", EVENTS, {"body": _event_body("edge-reminder", reminders=["9" * 20 + "s"])},
                 id="huge reminder"),
    pytest.param("POST", EVENTS, {"body": _event_body("edge-sector", sectors=[{"code": ["x"]}])},
                 id="sector code not a string"),
    pytest.param("PATCH", EVENT, {"path_parameters": {"slug": PATCH_SLUG}, "body": {
        "starts_at": "0001-01-01T00:00:00Z", "ends_at": "0001-01-01T01:00:00Z"}},
        id="moved to year 1"),
    pytest.param("GET", REGISTRATIONS, {"path_parameters": {"slug": SLUG},
                                        "query": {"after": 2**64}},
                 id="after beyond SQLite integers"),
]


@pytest.mark.parametrize(("method", "path", "parts"), EDGE_CASES)
def test_edge_values(server, method, path, parts):
    case = any_slug[path][method].Case(**parts)
    server.call(case, headers=server.auth)


def test_the_server_logged_no_unhandled_error(server):
    """The whole log, start-up included, in whatever order the tests ran."""
    log = server.log_path.read_text()
    assert "Traceback" not in log, log
