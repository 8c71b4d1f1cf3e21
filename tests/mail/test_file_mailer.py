"""The .eml backend (no SMTP relay configured): every message sent is its own file, a
copy sent again included, named so that `ls` lists them in the order they were sent;
concurrent sends give complete, distinct files; a name another writer took meanwhile is
not overwritten (`os.link`, the step that makes a file appear, is wrapped around the real
call to take its name first), and neither is another writer's unfinished .tmp file; a
failed write is a temporary MailError and leaves nothing behind."""

from __future__ import annotations

import asyncio
import os
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from tests.conftest import NOW
from webinar.mail.compose import Mail, compose
from webinar.mail.transport import FileMailer, MailError


def message(n: int):
    return compose(sender="Foros <foros@example.org>", to_name=f"Persona {n}",
                   to_addr=f"persona{n}@example.org", subject=f"Mail {n}", text="hola",
                   html=None, message_id=f"<same-{n}@example.org>", date=NOW)


async def test_a_copy_sent_again_is_a_second_file_in_sending_order(tmp_path):
    mailer = FileMailer(tmp_path)
    for n in (1, 2, 1, 1, 3):
        await mailer.send(message(n))
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 5 and all(name.endswith(".eml") for name in names)
    recipients = [str(message_from_bytes((tmp_path / name).read_bytes(),
                                         policy=policy.default)["To"]) for name in names]
    assert [r.split()[1] for r in recipients] == ["1", "2", "1", "1", "3"]


async def test_two_mailers_on_one_directory_never_overwrite(tmp_path):
    first, second = FileMailer(tmp_path), FileMailer(tmp_path)
    for _ in range(20):
        await first.send(message(1))
        await second.send(message(1))
    assert len(list(tmp_path.glob("*.eml"))) == 40
    assert list(tmp_path.glob("*.tmp")) == []


def numbered(n: int) -> Mail:
    return compose(sender="Foros <foros@example.org>", to_name=f"Persona {n}",
                   to_addr=f"persona{n}@example.org", subject=f"Mail {n}",
                   text=f"hola {n}", html=None, message_id=f"<m-{n}@example.org>", date=NOW)


def recipient_number(path: Path) -> int:
    to = str(message_from_bytes(path.read_bytes(), policy=policy.default)["To"])
    return int(to.split("<")[0].split()[1])


async def test_200_concurrent_sends_give_200_complete_files_named_in_send_order(tmp_path):
    mailer = FileMailer(tmp_path)
    messages = [numbered(n) for n in range(200)]
    await asyncio.gather(*(mailer.send(m) for m in messages))
    files = sorted(tmp_path.iterdir())
    assert len(files) == 200 and all(f.name.endswith(".eml") for f in files)
    assert [recipient_number(f) for f in files] == list(range(200))
    assert [f.read_bytes() for f in files] == [m.as_bytes() for m in messages]


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
        await mailer.send(numbered(n))
    [other] = taken
    assert other.read_bytes() == b"someone else's"
    ours = sorted(f for f in tmp_path.glob("*.eml") if f != other)
    assert [recipient_number(f) for f in ours] == [0, 1, 2]
    assert ours[1].read_bytes() == numbered(1).as_bytes()
    assert list(tmp_path.glob("*.tmp")) == []


async def test_a_failed_write_is_a_temporary_mail_error(tmp_path):
    directory = tmp_path / "mail"
    mailer = FileMailer(directory)
    directory.rmdir()  # the next file cannot be created
    with pytest.raises(MailError) as info:
        await mailer.send(numbered(1))
    assert info.value.temporary


async def test_another_writers_unfinished_file_is_left_alone(tmp_path, monkeypatch):
    """Two mailers on one directory (two schedulers) that pick the same name: the second
    neither writes into the first one's unfinished .tmp file nor removes it, and sends
    its own message under a name of its own."""
    mailer = FileMailer(tmp_path)
    names = iter(["clash.eml", "clash.eml", "second.eml"])
    monkeypatch.setattr(mailer, "_name", lambda ident: next(names))
    (tmp_path / "clash.eml.tmp").write_bytes(b"the other mailer, half-way")
    await mailer.send(numbered(7))
    assert (tmp_path / "clash.eml.tmp").read_bytes() == b"the other mailer, half-way"
    assert not (tmp_path / "second.eml.tmp").exists()
    [sent] = [f for f in tmp_path.iterdir() if f.suffix == ".eml"]
    assert sent.read_bytes() == numbered(7).as_bytes()


async def test_a_write_that_fails_half_way_leaves_no_file(tmp_path, monkeypatch):
    """The disk fills up during the write: a temporary MailError, and neither the
    unfinished file nor a message file is left (the retry writes the whole message)."""
    import builtins

    real_open = builtins.open

    class Full:
        def __init__(self, file):
            self.file = file

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

        def write(self, data):
            self.file.write(data[:10])
            raise OSError(28, "No space left on device")

    def opener(path, mode="r", *args, **kwargs):
        file = real_open(path, mode, *args, **kwargs)
        return Full(file) if mode[0] in "wx" else file

    monkeypatch.setattr(builtins, "open", opener)
    with pytest.raises(MailError) as info:
        await FileMailer(tmp_path).send(numbered(1))
    assert info.value.temporary
    assert list(tmp_path.iterdir()) == []
