"""Running `python -m webinar ...` as a real process in tests: the environment (this
process's own minus any WEBINAR_ variable, plus the test's settings), the command line,
waiting until `webinar serve` answers (failing at once, with its log, if it exits), and
reading what it logged (worker and scheduler-process pids, whether a pid still runs).

`start_logged` takes any command; `wait_until_ready` is for asyncio processes (a
synchronous test keeps its own wait). Each test keeps its own specifics (extra settings,
options, timeouts, log file, cwd) explicit at the call."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

import aiohttp

from webinar.settings import Settings


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
