"""Running `python -m webinar ...` as a real process in tests: the environment (this
process's own minus any WEBINAR_ variable, plus the test's settings), the command line,
waiting until `webinar serve` answers (failing at once, with its log, if it exits), and
reading what it logged (worker and scheduler-process pids, whether a pid still runs).

`start_logged` takes any command; `wait_until_ready` is for asyncio processes (a
synchronous test keeps its own wait). Each test keeps its own specifics (extra settings,
options, timeouts, log file, cwd) explicit at the call.

`Service` is one `webinar serve` on a data dir that a test starts, SIGKILLs and restarts
(mail to an SMTP relay with a short lease, or to .eml files when the test drops
WEBINAR_SMTP_URL: `web_service`), and checks through its database; the functions after
it are the steps the crash tests (tests/test_crash*.py) and tests/test_serve_slow_body.py
share."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sqlite3
import sys
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp

from tests.conftest import event_body, free_port, person
from tests.store.postgres_fixture import fetch_rows
from webinar.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def webinar_env(**settings: object) -> dict[str, str]:
    """os.environ without any WEBINAR_ variable, plus WEBINAR_<NAME> for each setting
    (a Settings field name, lower case: `data_dir=tmp_path`); a None value is left out."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEBINAR_")}
    for name, value in settings.items():
        if name not in Settings.model_fields:
            raise TypeError(f"webinar_env: {name!r} is not a setting")
        if value is not None:
            env[f"WEBINAR_{name.upper()}"] = str(value)
    return env


def webinar_command(*args: str) -> list[str]:
    """`python -m webinar <args>` with this interpreter."""
    return [sys.executable, "-m", "webinar", *args]


def serve_command(port: int, *options: str) -> list[str]:
    """`webinar serve` on 127.0.0.1:`port`, with `options` (`--workers 2`, `--no-scheduler`)."""
    return webinar_command("serve", "--host", "127.0.0.1", "--port", str(port), *options)


async def start_logged(command: list[str], log: Path, *, env: dict[str, str], cwd: Path,
                       stdin: int | None = None) -> asyncio.subprocess.Process:
    """Start `command` with its stdout and stderr written to the new file `log`."""
    with open(log, "wb") as out:  # noqa: ASYNC230 - a local file, opened once
        return await asyncio.create_subprocess_exec(*command, env=env, cwd=cwd, stdin=stdin,
                                                    stdout=out, stderr=out)


def read_log(log: Path | Callable[[], str]) -> str:
    """The text of a log file (or what a function returns for several)."""
    return log() if callable(log) else log.read_text(errors="replace")


async def wait_until_ready(session: aiohttp.ClientSession, base_url: str,
                           proc: asyncio.subprocess.Process, log: Path | Callable[[], str],
                           *, ready: Callable[[], bool] = lambda: True,
                           seconds: float = 120.0, interval: float = 0.1,
                           path: str = "/healthz") -> None:
    """Poll `base_url + path` every `interval` until it answers 200 and `ready()` is true
    (say, all workers logged their pid). Fails with the log if the process exits, or if
    `seconds` pass first."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        assert proc.returncode is None, f"the server exited:\n{read_log(log)}"
        try:
            async with session.get(f"{base_url}{path}") as resp:
                if resp.status == 200 and ready():
                    return
        except aiohttp.ClientError:
            pass
        assert loop.time() < deadline, (
            f"the server was not ready within {seconds} s:\n{read_log(log)}")
        await asyncio.sleep(interval)


def worker_pids(log: Path) -> dict[int, list[int]]:
    """Worker index -> the pids it had, in order (from the supervisor's output)."""
    pids: dict[int, list[int]] = {}
    for index, pid in re.findall(r"^worker (\d+) pid (\d+)$", read_log(log), re.M):
        pids.setdefault(int(index), []).append(int(pid))
    return pids


def scheduler_pids(log: Path) -> list[int]:
    """The pids of the scheduler processes serve started, in order."""
    return [int(pid) for pid in re.findall(r"scheduler process pid (\d+) started",
                                           read_log(log))]


def alive(pid: int) -> bool:
    """Whether the process runs: a zombie (exited, not yet reaped) counts as gone."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


# --- a server to SIGKILL and restart (tests/test_crash*.py, tests/test_serve_slow_body.py) --

SMTP_CONNECTIONS = 4
LEASE = 3  # seconds
POLL = 0.5
BATCH = 100
DEADLINE = 120.0  # seconds any wait may take before it fails: "never", not "slow"
TICK = 0.05  # how often waits poll
SLUG = "foro-crash"
TOKEN_EMAIL = "org@example.org"
HTTP_TIMEOUT = aiohttp.ClientTimeout(total=DEADLINE)


class Service:
    """`python -m webinar serve` on a data dir; started, SIGKILLed and restarted."""

    def __init__(self, data_dir: Path, smtp_port: int, database_url: str | None = None):
        self.data_dir = data_dir
        self.db_path = data_dir / "webinar.db"
        self.database_url = database_url  # PostgreSQL instead of the file, when given
        self.env = webinar_env(
            db=database_url,  # None: the SQLite file in the data dir
            data_dir=data_dir,
            # The lease may not be shorter than the SMTP timeout (settings refuse it).
            smtp_url=f"smtp://127.0.0.1:{smtp_port}?timeout={LEASE}",
            smtp_connections=SMTP_CONNECTIONS, delivery_batch=BATCH, delivery_lease=LEASE,
            poll_seconds=POLL, rate_limit=0, mail_from="Foros <foros@example.org>")
        self.proc: asyncio.subprocess.Process | None = None
        self.killed_at: datetime | None = None
        self.port = 0
        self.runs = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def cli(self, *args: str, stdin: str = "") -> str:
        proc = await asyncio.create_subprocess_exec(
            *webinar_command(*args), cwd=ROOT, env=self.env,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        try:
            async with asyncio.timeout(DEADLINE):
                out, err = await proc.communicate(stdin.encode())
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        assert proc.returncode == 0, f"webinar {' '.join(args)} failed: {err.decode()}"
        return out.decode()

    async def start(self, http: aiohttp.ClientSession) -> None:
        assert self.proc is None or self.proc.returncode is not None
        self.port = free_port()
        self.runs += 1
        self.proc = await start_logged(serve_command(self.port),
                                       self.data_dir / f"server-{self.runs}.log",
                                       env=self.env, cwd=ROOT, stdin=asyncio.subprocess.DEVNULL)
        await wait_until_ready(http, self.base, self.proc, self.log_tail, seconds=DEADLINE,
                               interval=TICK, path="/api/v1/openapi.json")

    def kill(self) -> None:
        """SIGKILL: no cleanup, no graceful stop of the scheduler, nothing flushed."""
        if self.proc is not None and self.proc.returncode is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.killed_at = datetime.now(UTC)

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.kill()
            await self.proc.wait()

    def log_tail(self, lines: int = 40) -> str:
        out = []
        for path in sorted(self.data_dir.glob("server-*.log")):
            text = read_log(path).splitlines()[-lines:]
            out.append(f"--- {path.name}\n" + "\n".join(text))
        return "\n".join(out)

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        if self.database_url:
            return [tuple(row.values()) for row in fetch_rows(self.database_url, sql, params)]
        conn = sqlite3.connect(self.db_path, timeout=30)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()


def web_service(data_dir: Path, *, db: Path | None = None, secret: str = "") -> Service:
    """A Service writing mail as .eml files, no relay."""
    data_dir.mkdir(parents=True, exist_ok=True)
    svc = Service(data_dir, 0)
    svc.env.pop("WEBINAR_SMTP_URL")
    if db is not None:
        svc.env["WEBINAR_DB"] = str(db)
        svc.db_path = db
    if secret:
        svc.env["WEBINAR_SECRET_KEY"] = secret
    return svc


def two_web_services(tmp_path: Path) -> tuple[Service, Service]:
    """Two web processes on one SQLite file and one secret key (the second not started)."""
    secret = uuid.uuid4().hex * 2
    first = web_service(tmp_path / "a", secret=secret)
    second = web_service(tmp_path / "b", db=first.db_path, secret=secret)
    for svc in (first, second):
        svc.env["WEBINAR_POLL_SECONDS"] = "60"
    return first, second


async def token_and_event(svc: Service, http: aiohttp.ClientSession, slug: str,
                          **overrides) -> str:
    """Organizer and token through the CLI (before the server starts), then the event
    (event_body with `overrides`) through the API once it runs. Returns the token."""
    await svc.cli("organizer", "create", TOKEN_EMAIL, "--password-stdin",
                  stdin="a long password\n")
    token = (await svc.cli("token", "create", TOKEN_EMAIL)).strip().splitlines()[-1]
    await svc.start(http)
    async with http.post(f"{svc.base}/api/v1/events", json=event_body(slug=slug, **overrides),
                         headers={"Authorization": f"Bearer {token}"}) as resp:
        assert resp.status == 201, await resp.text()
    return token


def sector_registrant(n: int, prefix: str = "fast") -> dict:
    """Someone to register (no consent field), of one of the four sectors in turn."""
    return person(n, email=f"{prefix}{n}@example.org",
                  sector=("academic", "cooperation", "public", "private")[n % 4])


async def join_tokens(svc: Service, http: aiohttp.ClientSession, slug: str, count: int,
                      prefix: str, clients: int) -> list[str]:
    """`count` people registered through the API, `clients` at a time: their join tokens."""
    links: list[str] = []
    sem = asyncio.Semaphore(clients)

    async def register(n: int) -> None:
        async with sem, http.post(f"{svc.base}/api/v1/events/{slug}/registrations",
                                  json=sector_registrant(n, prefix)) as resp:
            assert resp.status == 201, await resp.text()
            links.append((await resp.json())["join_link"])

    await asyncio.gather(*(register(n) for n in range(count)))
    return [link.rstrip("/").rsplit("/", 1)[-1] for link in links]


def assert_visits_recorded(svc: Service, acked: list[str]) -> None:
    """Every join token answered with a 303 has its visit and its log entry stored."""
    visited = {row[0] for row in svc.query(
        "SELECT r.join_token FROM join_visits v"
        " JOIN registrations r ON r.id = v.registration_id")}
    logged = {row[0] for row in svc.query(
        "SELECT r.join_token FROM event_log l JOIN registrations r"
        " ON r.id = l.registration_id WHERE l.type = 'attendance.joined'")}
    missing = [t for t in acked if t not in visited]
    assert not missing, f"answered 303 but not recorded: {len(missing)}"
    assert set(acked) <= logged


async def organizer_and_event(svc: Service, http: aiohttp.ClientSession) -> str:
    """`token_and_event` for the event SLUG, 30 days ahead."""
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
    return await token_and_event(svc, http, SLUG, starts_at=starts.isoformat(),
                                 ends_at=(starts + timedelta(hours=2)).isoformat())


def registrant(n: int) -> dict:
    body = person(n, email=f"crash{n}@example.org")
    body["consent"] = True
    return body


async def register(svc: Service, http: aiohttp.ClientSession, n: int) -> tuple[int, dict]:
    async with http.post(f"{svc.base}/api/v1/events/{SLUG}/registrations",
                         json=registrant(n)) as resp:
        return resp.status, await resp.json(content_type=None)
