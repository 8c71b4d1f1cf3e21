"""The .eml backend (no SMTP relay configured): every message sent is its own file, a
copy sent again included, named so that `ls` lists them in the order they were sent."""

from __future__ import annotations

from email import message_from_bytes, policy

from tests.conftest import NOW
from webinar.mail.compose import compose
from webinar.mail.transport import FileMailer


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
