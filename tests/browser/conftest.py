"""The browser harness: the app on a real port (filled with the demo forums, like
`webinar serve --demo`), Debian's chromium driven by Playwright, and axe-core injected into
each page with the page's CSP bypassed. One browser for the package; one page per viewport
(a 360x740 phone, a 1280x800 desk), reused by every test.

`Tab.check(name)` is what each visited page goes through: a screenshot into
var/screenshots/, axe-core (no serious or critical violation), no sideways scrolling, and a
label (or aria-label) on every form field; the bytes it took on the wire are recorded.
What it saw is written to var/screenshots/audit.md when the package ends.

Where chromium, Playwright or axe-core is missing the tests skip with the reason, except in
CI (CI=true), where they fail: .ci/run installs all three."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
from aiohttp import web

from tests.conftest import free_port
from webinar.app import create_app
from webinar.demo import seed
from webinar.settings import Settings

try:
    from playwright.sync_api import Browser, Page, Response, sync_playwright
except ImportError:  # pragma: no cover - the test extras install it
    sync_playwright = None  # type: ignore[assignment]

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "var" / "screenshots"
CHROMIUM = Path(os.environ.get("WEBINAR_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = Path(os.environ.get("AXE_CORE_JS",
                             ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
PHONE = {"width": 360, "height": 740}
DESK = {"width": 1280, "height": 800}

T = TypeVar("T")


def missing(reason: str) -> None:
    """Skip where a part of the harness is not installed; fail in CI, never silently."""
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(f"browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


class Server:
    """The app on 127.0.0.1:<port>, in a thread with its own event loop."""

    def __init__(self, settings: Settings, port: int):
        self.settings = settings
        self.url = f"http://127.0.0.1:{port}"
        self.port = port
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.runner = web.AppRunner(create_app(settings), access_log=None)

    def call(self, coro: Awaitable[T], timeout: float = 30) -> T:
        """Run a coroutine on the server's loop (setup through the services)."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)  # type: ignore[arg-type]

    def start(self) -> None:
        self.thread.start()
        self.call(seed(self.settings), timeout=120)  # the demo forums, as `serve --demo`
        self.call(self.runner.setup())
        self.call(web.TCPSite(self.runner, "127.0.0.1", self.port).start())

    def stop(self) -> None:
        self.call(self.runner.cleanup())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture(scope="package")
def server(tmp_path_factory) -> Iterator[Server]:
    port = free_port()
    settings = Settings(data_dir=tmp_path_factory.mktemp("browser"),
                        base_url=f"http://127.0.0.1:{port}", secret_key="browser-tests",
                        rate_limit="0", smtp_url=None, mail_from="Foros <foros@example.org>")
    srv = Server(settings, port)
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="package")
def axe_source() -> str:
    if not AXE_JS.is_file():
        missing(f"axe-core not found at {AXE_JS} (.ci/run installs it: "
                "npm install --prefix .cache/axe axe-core@4)")
    return AXE_JS.read_text()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if sync_playwright is None:
        missing("Playwright is not installed (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        missing(f"no chromium at {CHROMIUM} (.ci/run installs Debian's chromium)")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                      args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@dataclass
class Audit:
    """What the pages showed, for the table in var/screenshots/audit.md."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    weights: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # of the running test

    def write(self) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        lines = ["| page | width | axe violations (impact) | scrollWidth | bytes on the wire |",
                 "| --- | --- | --- | --- | --- |"]
        for r in self.rows:
            found = ", ".join(f"{v['id']} ({v['impact']})" for v in r["violations"]) or "none"
            lines.append(f"| {r['page']} | {r['width']} | {found} | {r['scroll_width']} "
                         f"| {r['bytes']} |")
        (SHOTS / "audit.md").write_text("\n".join(lines + [""] + self.weights) + "\n")


@pytest.fixture(scope="package")
def audit() -> Iterator[Audit]:
    record = Audit()
    yield record
    record.write()


@pytest.fixture(autouse=True)
def pages_pass(audit: Audit) -> Iterator[None]:
    """Fails the test whose visited pages failed axe or scrolled sideways."""
    audit.failures.clear()
    yield
    found, audit.failures[:] = list(audit.failures), []
    if found:
        pytest.fail("\n".join(found), pytrace=False)


# Bytes the page and what it loaded took on the wire (headers and encoded bodies; what
# came from the cache counts 0): the navigation's and each resource's transferSize.
TRANSFER = """() => performance.getEntriesByType("navigation").concat(
  performance.getEntriesByType("resource")).reduce((sum, e) => sum + (e.transferSize || 0), 0)"""

# Form fields with no accessible name from a label, aria-label or aria-labelledby.
UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter(el => !el.closest('[aria-hidden=true]'))
  .filter(el => !((el.labels && [...el.labels].some(l => l.innerText.trim()))
                  || (el.getAttribute('aria-label') || '').trim()
                  || (el.getAttribute('aria-labelledby') || '').split(/\\s+/).some(
                       id => id && document.getElementById(id)
                             && document.getElementById(id).innerText.trim())))
  .map(el => el.name || el.id || el.outerHTML.slice(0, 60))"""

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"],
                                         rules: {"target-size": {enabled: true}}});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
}"""


class Tab:
    """One reused page at one viewport, and the checks every visited page goes through."""

    def __init__(self, page: Page, label: str, server: Server, audit: Audit):
        self.page, self.label, self.server, self.audit = page, label, server, audit

    @property
    def width(self) -> int:
        return self.page.viewport_size["width"] if self.page.viewport_size else 0

    def goto(self, path: str) -> Response:
        response = self.page.goto(self.server.url + path)
        assert response is not None
        return response

    def check(self, name: str, known: dict[str, str] | None = None) -> None:
        """Screenshot, axe, sideways scrolling, a label on every field. What fails is
        collected and fails the test at its end (`pages_pass`), so one bad page does not
        hide the next. `known` names axe rules left to another branch's fix on this page
        (rule id -> why): recorded in the table, not failed."""
        page = self.page
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}-{self.width}.png"), full_page=True)
        violations = page.evaluate(AXE_RUN)
        scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
        unlabelled = page.evaluate(UNLABELLED)
        self.audit.rows.append({"page": name, "width": self.width, "violations": violations,
                                "scroll_width": scroll_width,
                                "bytes": page.evaluate(TRANSFER)})
        if unlabelled:
            self.audit.failures.append(f"{name} at {self.width}px: fields with no label: "
                                       f"{unlabelled}")
        known = known or {}
        serious = [v for v in violations
                   if v["impact"] in ("serious", "critical") and v["id"] not in known]
        if serious:
            self.audit.failures.append(f"{name} at {self.width}px: axe {serious}")
        if scroll_width > self.width:
            self.audit.failures.append(
                f"{name} at {self.width}px scrolls sideways: {scroll_width} > {self.width}")


def _tab(browser: Browser, server: Server, axe: str, audit: Audit, viewport: dict,
         label: str) -> Iterator[Tab]:
    context = browser.new_context(viewport=viewport, bypass_csp=True, locale="es-GT",
                                  timezone_id="America/Guatemala",
                                  has_touch=viewport is PHONE, is_mobile=viewport is PHONE)
    context.set_default_timeout(10_000)
    context.add_init_script(script=axe)  # in every page from its start: the CSP is bypassed
    yield Tab(context.new_page(), label, server, audit)
    context.close()


@pytest.fixture(scope="package")
def phone(browser, server, axe_source, audit) -> Iterator[Tab]:
    yield from _tab(browser, server, axe_source, audit, PHONE, "phone")


@pytest.fixture(scope="package")
def desk(browser, server, axe_source, audit) -> Iterator[Tab]:
    yield from _tab(browser, server, axe_source, audit, DESK, "desk")


@pytest.fixture(params=["phone", "desk"])
def tab(request) -> Tab:
    """Each test that takes `tab` runs on the phone and at the desk."""
    return request.getfixturevalue(request.param)
