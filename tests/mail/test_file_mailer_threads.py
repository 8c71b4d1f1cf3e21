"""The .eml backend writes its files on a worker thread, not on the event loop, and keeps
its promises there: concurrent sends give complete, distinct files whose names sort in the
order `send` was called; the loop goes on (another send completes) while a write is held;
a name another writer took meanwhile is not overwritten; a failed write is a temporary
MailError.

`os.link` (the step that makes a file appear) is wrapped, around the real call, to see
which thread runs it and to hold it or take its name first; the files are real."""

from __future__ import annotations

import asyncio
import os
import threading
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from tests.conftest import NOW
from webinar.mail.compose import Mail, compose
from webinar.mail.transport import FileMailer, MailError

HOLD_SECONDS = 10.0  # how long a held write waits for the test before it gives up


def message(n: int) -> Mail:
    return compose(sender="Foros <foros@example.org>", to_name=f"Persona {n}",
                   to_addr=f"persona{n}@example.org", subject=f"Mail {n}",
                   text=f"hola {n}", html=None, message_id=f"<m-{n}@example.org>", date=NOW)


def recipient_number(path: Path) -> int:
    to = str(message_from_bytes(path.read_bytes(), policy=policy.default)["To"])
    return int(to.split("<")[0].split()[1])


async def test_200_concurrent_sends_give_200_complete_files_named_in_send_order(tmp_path):
    mailer = FileMailer(tmp_path)
    messages = [message(n) for n in range(200)]
    await asyncio.gather(*(mailer.send(m) for m in messages))
    files = sorted(tmp_path.iterdir())
    assert len(files) == 200 and all(f.name.endswith(".eml") for f in files)
    assert [recipient_number(f) for f in files] == list(range(200))
    assert [f.read_bytes() for f in files] == [m.as_bytes() for m in messages]


async def test_the_file_appears_on_a_thread_other_than_the_loops(tmp_path, monkeypatch):
    linked_on: list[int] = []
    real_link = os.link

    def link(src, dst, *args, **kwargs):
        linked_on.append(threading.get_ident())
        return real_link(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "link", link)
    mailer = FileMailer(tmp_path)
    await asyncio.gather(*(mailer.send(message(n)) for n in range(20)))
    assert len(linked_on) == 20
    assert threading.get_ident() not in linked_on
    assert len(list(tmp_path.glob("*.eml"))) == 20


async def test_the_loop_goes_on_while_a_write_is_held(tmp_path, monkeypatch):
    """The first send's write is held inside os.link until the loop has completed a
    second send. On the loop thread, the hold would stop the loop: it times out."""
    held, release = threading.Event(), threading.Event()
    timed_out: list[bool] = []
    real_link = os.link

    def link(src, dst, *args, **kwargs):
        if "-m-0example.org" in str(dst):
            held.set()
            timed_out.append(not release.wait(HOLD_SECONDS))
        return real_link(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "link", link)
    mailer = FileMailer(tmp_path)
    first = asyncio.create_task(mailer.send(message(0)))
    try:
        async with asyncio.timeout(HOLD_SECONDS):
            while not held.is_set():  # noqa: ASYNC110 - set from the writing thread
                await asyncio.sleep(0.005)
            await mailer.send(message(1))
        assert [recipient_number(f) for f in tmp_path.glob("*.eml")] == [1]
    finally:
        release.set()
        await first
    assert timed_out == [False]
    assert [recipient_number(f) for f in sorted(tmp_path.glob("*.eml"))] == [0, 1]
    assert list(tmp_path.glob("*.tmp")) == []


async def test_a_name_taken_meanwhile_is_not_overwritten(tmp_path, monkeypatch):
    """Another writer creates the chosen name just before the link: that file stays as
    it is, and the message gets a file of its own, still in its place in the order."""
    real_link = os.link
    taken: list[Path] = []

    def link(src, dst, *args, **kwargs):
        if not taken and "-m-1example.org" in str(dst):
            Path(dst).write_bytes(b"someone else's")
            taken.append(Path(dst))
        return real_link(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "link", link)
    mailer = FileMailer(tmp_path)
    for n in range(3):
        await mailer.send(message(n))
    [other] = taken
    assert other.read_bytes() == b"someone else's"
    ours = sorted(f for f in tmp_path.glob("*.eml") if f != other)
    assert [recipient_number(f) for f in ours] == [0, 1, 2]
    assert ours[1].read_bytes() == message(1).as_bytes()
    assert list(tmp_path.glob("*.tmp")) == []


async def test_a_failed_write_is_a_temporary_mail_error(tmp_path):
    directory = tmp_path / "mail"
    mailer = FileMailer(directory)
    directory.rmdir()  # the next file cannot be created
    with pytest.raises(MailError) as info:
        await mailer.send(message(1))
    assert info.value.temporary
