"""Shared fixtures: settings with a temp data dir, a fake clock, a real SMTP server
(aiosmtpd), the app behind pytest-aiohttp's real test server, and small helpers that act
as an organizer or a participant would."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.store import postgres_fixture
from tests.store.postgres_fixture import Cluster, fetch_rows, postgres_cluster  # noqa: F401
from webinar.app import create_app
from webinar.clock import FakeClock
from webinar.organizers import accounts as organizers
from webinar.runtime import Resources
from webinar.settings import Settings
from webinar.store.postgres.database import PostgresStore
from webinar.store.sqlite.database import SqliteStore
from webinar.web.keys import RESOURCES

# The suite runs on the settings its tests give, never on the developer's own: a
# WEBINAR_DB pointing at their database or a WEBINAR_SMTP_URL at a real relay must reach
# neither the Settings tests build nor the processes they start. (WEBINAR_TEST_* steer
# the suite itself, see below and tests/store/postgres_fixture.py.)
for _name in [n for n in os.environ
              if n.startswith("WEBINAR_") and not n.startswith("WEBINAR_TEST_")]:
    del os.environ[_name]

# A moment well before the sample events below: 2026-12-01 12:00 UTC.
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
EVENT_START = NOW + timedelta(days=3)  # 2026-12-04 12:00 UTC = 06:00 in Guatemala


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Inbox:
    """What the SMTP server received; `fail_next` makes it refuse the next messages."""

    messages: list[EmailMessage] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)  # the same messages, as the bytes received
    fail_next: list[str] = field(default_factory=list)  # e.g. ["451 4.3.0 try later"]

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]

    def subjects(self, address: str) -> list[str]:
        return [str(m["Subject"]) for m in self.to(address)]

    async def wait_for(self, count: int, seconds: float = 10.0) -> None:
        """Poll until `count` messages arrived or `seconds` passed (mail crosses a socket)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while len(self.messages) < count and loop.time() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.05)


class _Handler:
    def __init__(self, inbox: Inbox):
        self.inbox = inbox

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if self.inbox.fail_next:
            return self.inbox.fail_next.pop(0)
        self.inbox.raw.append(envelope.content)
        self.inbox.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp():
    """A real SMTP server on loopback; yields (inbox, port)."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(_Handler(inbox), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
async def sqlite_store(tmp_path):
    """A connected, migrated SQLite store on a file of its own, for the tests of the SQLite
    store's own mechanics (its write lock, its checkpoints), which PostgreSQL lacks."""
    from tests.factories import opened  # factories imports this module

    store = SqliteStore(tmp_path / "webinar.db")
    async with opened(store):
        yield store


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


# Which tests run on both stores. Every test gets the `store_kind` fixture (autouse); a test
# that reaches the store (it uses the `settings` fixture, and so `client`, or
# `database_url`) runs twice, [sqlite] and [postgres], and everything it reaches
# (tests.factories.open_store, db_rows) uses that store. Pure-rule and i18n tests (no
# store) and the browser suite (it tests pages, not stores) run once.
# WEBINAR_TEST_STORES=sqlite runs none on PostgreSQL (a quick local run). A test that must
# run once (it is about one store in particular, e.g. it writes the SQLite file under the
# store, or opens its own PostgreSQL databases) is marked @pytest.mark.once.
STORE_FIXTURES = {"settings", "database_url"}
ONCE_PATHS = ("tests/browser/",)
ROOT = Path(__file__).parent.parent


def _on_both(metafunc) -> bool:
    if os.environ.get("WEBINAR_TEST_STORES", "") == "sqlite":
        return False
    path = metafunc.definition.path.relative_to(ROOT).as_posix()
    return (not path.startswith(ONCE_PATHS)
            and bool(STORE_FIXTURES & set(metafunc.fixturenames)))


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "once: run on one store only (a test of one store in particular)")


def pytest_generate_tests(metafunc):
    if ("store_kind" in metafunc.fixturenames and _on_both(metafunc)
            and not metafunc.definition.get_closest_marker("once")):
        metafunc.parametrize("store_kind", ["sqlite", "postgres"], indirect=True)


@pytest.fixture(autouse=True)
def store_kind(request) -> Iterator[str]:
    """'sqlite', or 'postgres' with a fresh database (`database_url`) for this test."""
    kind = getattr(request, "param", "sqlite")
    if kind != "postgres":
        yield kind
        return
    cluster: Cluster = request.getfixturevalue("postgres_cluster")
    name = cluster.new_database()
    postgres_fixture.current.url = cluster.url(name)
    try:
        yield kind
    finally:
        postgres_fixture.current.url = None
        cluster.drop_database(name)


@pytest.fixture
async def two_postgres_stores(postgres_cluster):  # noqa: F811 (the imported fixture)
    """Two PostgreSQL stores (two pools, as two processes have) on one fresh database."""
    name = postgres_cluster.new_database()
    one = PostgresStore(postgres_cluster.url(name))
    two = PostgresStore(postgres_cluster.url(name))
    await one.connect()
    await two.connect()
    try:
        yield one, two
    finally:
        await one.close()
        await two.close()
        postgres_cluster.drop_database(name)


@pytest.fixture
def database_url(store_kind) -> str | None:
    """This test's PostgreSQL database, or None on SQLite."""
    return postgres_fixture.current.url


@pytest.fixture
def settings(tmp_path, database_url) -> Settings:
    return Settings(data_dir=tmp_path, base_url="http://testserver", secret_key="test-secret",
                    rate_limit="0", smtp_url=None, mail_from="Foros <foros@example.org>",
                    db=database_url)


@pytest.fixture
def smtp_settings(settings, smtp) -> Settings:
    _inbox, port = smtp
    return settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{port}"})


@pytest.fixture
async def client(aiohttp_client, settings, clock):
    """The app on a real test server, with the scheduler not running on its own: tests
    drive it with `run_scheduler(client)` and the fake clock."""
    app = create_app(settings, clock=clock)
    return await aiohttp_client(app)


@pytest.fixture
async def mail_client(aiohttp_client, smtp_settings, clock):
    app = create_app(smtp_settings, clock=clock)
    return await aiohttp_client(app)


def resources_of(client) -> Resources:
    return client.server.app[RESOURCES]


def db_rows(client, query: str, params: tuple = ()) -> list[dict]:
    """Raw SQL (`?` placeholders) on the test's database, SQLite file or PostgreSQL, for
    assertions that look under the store."""
    settings = resources_of(client).settings
    if settings.postgres_url:
        return fetch_rows(settings.postgres_url, query, params)
    with closing(sqlite3.connect(settings.db_path)) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(query, params)]


async def run_scheduler(client):
    """One full scheduler pass, exactly what the APScheduler job runs."""
    from scheduler.runner import Runner

    return await Runner(resources_of(client)).run_once()


async def organizer_token(client, email: str = "org@example.org") -> str:
    res = resources_of(client)
    await organizers.create(res.store, res.now(), email, "a long password")
    return await organizers.create_token(res.store, res.now(), email)


def event_body(**overrides) -> dict:
    body = {
        "slug": "foro-digital",
        "title": "Foro: Gobierno digital",
        "description": "Un panel de expertos.",
        "starts_at": EVENT_START.isoformat(),
        "ends_at": (EVENT_START + timedelta(hours=2)).isoformat(),
        "timezone": "America/Guatemala",
        "join_url": "https://zoom.example.org/j/123",
        "capacity": None,
        "reminders": ["1d", "1h"],
        "organizer_emails": ["org@example.org"],
        "status": "published",
    }
    body.update(overrides)
    return body


async def create_event(client, token: str | None = None, **overrides) -> dict:
    token = token or await organizer_token(client)
    resp = await client.post("/api/v1/events", json=event_body(**overrides),
                             headers={"Authorization": f"Bearer {token}"})
    assert resp.status == 201, await resp.text()
    return await resp.json()


def person(n: int = 1, **overrides) -> dict:
    data = {
        "name": f"Persona {n}",
        "email": f"persona{n}@example.org",
        "organization": "Universidad de San Carlos",
        "position": "Docente",
        "sector": "academic",
        "country": "GT",
        "language": "es",
        "consent": "1",
    }
    data.update(overrides)
    return data


def database_at_version(path, version: int) -> sqlite3.Connection:
    """A database file as an older release left it: migrations up to `version` applied,
    with one event (id 1, slug 'old'). For tests of what later migrations do to old rows."""
    from webinar.store.sqlite.database import migration_files

    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_migrations ("
                 " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
    for number, file in migration_files():
        if number <= version:
            conn.executescript(file.read_text())
            conn.execute("INSERT INTO schema_migrations VALUES (?, ?, 'then')",
                         (number, file.name))
    conn.execute(
        "INSERT INTO events (id, slug, title, starts_at, ends_at, timezone, sectors,"
        " reminders, created_at, updated_at) VALUES (1, 'old', 'Old', 'a', 'b', 'UTC',"
        " '[]', '[]', 'x', 'x')")
    return conn


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


async def cancel_registration(client, token: str):
    """Cancel as a person does: open the confirmation page, press its button."""
    page = await client.get(f"/r/{token}/cancel")
    return await client.post(f"/r/{token}/cancel",
                             data={"csrf_token": csrf_from(await page.text())},
                             allow_redirects=False)


async def submit_form(client, slug: str, data: dict, lang: str | None = None):
    """Open the event page as a browser would, then send the form from it."""
    query = f"?lang={lang}" if lang else ""
    page = await client.get(f"/events/{slug}{query}")
    assert page.status == 200
    form = {"csrf_token": csrf_from(await page.text()), **data}
    return await client.post(f"/events/{slug}/register", data=form, allow_redirects=False)


async def register_api(client, slug: str, data: dict):
    body = dict(data)
    if body.get("consent") == "1":
        body["consent"] = True
    return await client.post(f"/api/v1/events/{slug}/registrations", json=body)
