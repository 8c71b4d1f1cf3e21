"""The generated secret key: several processes starting together agree on one non-empty key."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from webinar.settings import Settings

PROCESSES = 8
ROUNDS = 8


def _read_key(data_dir: str, barrier, results) -> None:
    barrier.wait()
    try:
        results.put(Settings(data_dir=Path(data_dir), secret_key=None).ensure_secret_key())
    except Exception as exc:  # reported to the test, not lost in the child
        results.put(f"error: {exc!r}")


def test_processes_started_together_share_one_non_empty_key(tmp_path):
    ctx = multiprocessing.get_context("fork")
    for round_ in range(ROUNDS):
        data_dir = tmp_path / f"round{round_}"
        barrier, results = ctx.Barrier(PROCESSES), ctx.Queue()
        procs = [ctx.Process(target=_read_key, args=(str(data_dir), barrier, results))
                 for _ in range(PROCESSES)]
        for proc in procs:
            proc.start()
        keys = [results.get(timeout=30) for _ in procs]
        for proc in procs:
            proc.join(timeout=30)
        stored = (data_dir / "secret_key").read_text().strip()
        assert len(stored) >= 40
        assert keys == [stored] * PROCESSES, (round_, keys)
        # Nothing left behind but the key itself (no temporary files).
        assert [p.name for p in data_dir.iterdir()] == ["secret_key"]


def test_an_empty_key_file_is_never_accepted(tmp_path):
    (tmp_path / "secret_key").write_text("")
    settings = Settings(data_dir=tmp_path, secret_key=None)
    with pytest.raises(RuntimeError, match="secret_key"):
        settings.ensure_secret_key(wait=0.2)
