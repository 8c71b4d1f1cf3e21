"""A delivery pass renders what its mails share once (messages.Parts) and fills in each
registrant's name and links. Every kind of mail, in Spanish and English, to registrants
whose names are hostile (accents, ñ, CR/LF, encoded-word look-alikes, HTML, very long),
is the same message as the one rendered whole: same bytes (but for the random multipart
boundaries), and parsed back with the email package, the same headers and decoded parts.
A registrant never gets another's name or links, and a shared render that would leak a
personal value or holds the placeholder mark is not used."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from tests.conftest import NOW
from webinar.clock import FakeClock
from webinar.events import service as events
from webinar.events.fields import EventFields
from webinar.events.model import Event
from webinar.mail import messages
from webinar.mail.messages import SUBJECTS, Broadcast, Parts, build
from webinar.registrations.model import Registration
from webinar.runtime import open_resources
from webinar.settings import Settings

STARTS = NOW + timedelta(days=2)
NAMES = [
    "Ana",
    "María José Núñez Peña",
    "Ana\r\nBcc: eve@example.org",
    "=?utf-8?q?Ana=0D=0ABcc:_eve@example.org?=",
    "<b>Tom & \"Jerry\"</b> 'O'Brien'",
    "Ñandú " * 60,
]
KINDS = [*SUBJECTS, "broadcast"]
BOUNDARY = re.compile(rb"=_[0-9a-f]{32}")


def registration(n: int, name: str, lang: str, status: str = "confirmed") -> Registration:
    return Registration(
        id=n, event_id=1, token=f"manage{n:04d}tok", join_token=f"join{n:04d}&x=<y>",
        email=f"persona{n}@example.org", name=name, organization="Universidad",
        position="Docente", sector="academic", country="GT", language=lang, status=status,
        created_at=NOW, confirmed_at=NOW, cancelled_at=None)


@pytest.fixture
async def res(tmp_path: Path):
    settings = Settings(data_dir=tmp_path, secret_key="k" * 40,
                        base_url="https://foros.example.org",
                        mail_from="Foros <foros@example.org>", rate_limit="0")
    async with open_resources(settings, FakeClock(NOW)) as res:
        yield res


async def an_event(res, **changes) -> Event:
    fields = EventFields.model_validate({
        "slug": "foro-datos", "title": "Año de datos: ñandú & <código> \"abierto\"",
        "description": "Descripción con acentos.\nSegunda línea.",
        "starts_at": STARTS.isoformat(), "ends_at": (STARTS + timedelta(hours=2)).isoformat(),
        "timezone": "America/Guatemala", "join_url": "https://zoom.example.org/j/1",
        "capacity": None, "reminders": ["1h"], "organizer_emails": ["org@example.org"],
        "status": "published",
    })
    event = await events.create(res.store, res.now(), fields, None)
    return replace(event, recording_url="https://video.example.org/v?a=1&b=2", **changes)


def parsed(data: bytes):
    return BytesParser(policy=policy.default).parsebytes(data)


def headers(part) -> list[tuple[str, str]]:
    return [(k, BOUNDARY.sub(b"B", str(v).encode()).decode()) for k, v in part.items()]


def same_message(whole: bytes, shared: bytes) -> None:
    assert BOUNDARY.sub(b"B", whole) == BOUNDARY.sub(b"B", shared)
    a, b = parsed(whole), parsed(shared)
    parts_a, parts_b = list(a.walk()), list(b.walk())
    assert len(parts_a) == len(parts_b)
    for x, y in zip(parts_a, parts_b, strict=True):
        assert headers(x) == headers(y)
        if not x.is_multipart():
            assert x.get_content() == y.get_content()
            assert x.get("Content-Disposition") == y.get("Content-Disposition")


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_every_kind_is_the_same_message_rendered_whole_or_from_shared_parts(res, lang):
    event = await an_event(res)
    broadcast = Broadcast("Aviso: cambio de sala ñ", "Hola a todos.\n\nNueva sala <A&B>.")
    parts = Parts()
    regs = [registration(n, name, lang, status)
            for n, name in enumerate(NAMES)
            for status in ("confirmed", "waitlisted", "cancelled")]
    for kind in KINDS:
        for reg in regs:
            extra = {"broadcast": broadcast} if kind == "broadcast" else {}
            whole = build(res, kind=kind, event=event, reg=reg, message_id="<m@example.org>",
                          now=NOW, **extra)
            shared = build(res, kind=kind, event=event, reg=reg,
                           message_id="<m@example.org>", now=NOW, parts=parts, **extra)
            same_message(whole.as_bytes(), shared.as_bytes())
    # It was shared: one render per (kind, registration status), not one per registrant.
    assert len(parts._kept) == len(KINDS) * 3
    assert all(kept is not None for kept in parts._kept.values())


async def test_each_registrant_gets_their_own_name_and_links(res):
    event = await an_event(res)
    parts = Parts()
    one, two = registration(1, "Ana Núñez", "es"), registration(2, "Luis Peña", "es")
    first, second = (build(res, kind="reminder", event=event, reg=reg, message_id="<m@x>",
                           now=NOW, parts=parts) for reg in (one, two))
    for mail, own, other in ((first, one, two), (second, two, one)):
        text = mail.get_body(preferencelist=("plain",)).get_content()
        html = mail.get_body(preferencelist=("html",)).get_content()
        assert f"Hola, {own.name}:" in text and f"Hola, {own.name}:" in html
        assert own.join_token in text
        assert own.join_token.replace("&", "&amp;").replace("<", "&lt;").replace(
            ">", "&gt;") in html
        assert own.token in text and own.token in html
        assert str(mail["To"]).startswith(own.name)
        for leak in (other.name, other.join_token, other.token):
            assert leak not in text and leak not in html and leak not in str(mail["To"])
        assert "\ue000" not in mail.as_bytes().decode("ascii") + text + html


async def test_an_event_whose_text_holds_the_placeholder_mark_is_rendered_whole(res):
    event = await an_event(res, title="Foro \ue000 raro \ue001")
    parts = Parts()
    reg = registration(1, "Ana", "en")
    whole = build(res, kind="reminder", event=event, reg=reg, message_id="<m@x>", now=NOW)
    shared = build(res, kind="reminder", event=event, reg=reg, message_id="<m@x>", now=NOW,
                   parts=parts)
    same_message(whole.as_bytes(), shared.as_bytes())
    assert list(parts._kept.values()) == [None]


async def test_a_template_reading_a_personal_value_fails_instead_of_sharing_it(res,
                                                                             monkeypatch):
    event = await an_event(res)
    real = messages._render

    def nosy(*args, **kwargs):
        organization = kwargs["reg"].organization  # as {{ reg.organization }} would
        assert organization
        return real(*args, **kwargs)

    monkeypatch.setattr(messages, "_render", nosy)
    reg = registration(1, "Ana", "en")
    build(res, kind="reminder", event=event, reg=reg, message_id="<m@x>", now=NOW)
    with pytest.raises(TypeError, match="personal value"):
        build(res, kind="reminder", event=event, reg=reg, message_id="<m@x>", now=NOW,
              parts=Parts())
