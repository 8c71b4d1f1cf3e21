"""Event titles inside a Spanish sentence are quoted (“…”), so a title such as
"Taller: Datos abiertos" reads as one name; after a label ("Recordatorio: …") they stand
as they are."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po

from tests.conftest import create_event, person, register_api, run_scheduler, submit_form
from webinar.i18n import LOCALE_DIR


def test_every_spanish_sentence_quotes_the_title():
    with open(LOCALE_DIR / "es" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh)
    bare = []
    for message in catalog:
        text = message.string if isinstance(message.string, str) else " ".join(message.string)
        for match in re.finditer(r"%\(title\)s", text or ""):
            before = text[:match.start()]
            quoted = before.endswith("\u201c") and text[match.end():].startswith("\u201d")
            after_label = re.fullmatch(r"[^:]*: ", before) is not None
            if not (quoted or after_label):
                bare.append(text)
    assert bare == []


async def test_the_confirmation_reads_well_in_spanish(mail_client, smtp):
    inbox, _port = smtp
    await create_event(mail_client, title="Taller: Datos abiertos")
    await register_api(mail_client, "foro-digital", person(1))
    await run_scheduler(mail_client)
    await inbox.wait_for(1)
    text = inbox.messages[0].get_body(preferencelist=("plain",)).get_content()
    assert "Su cupo en \u201cTaller: Datos abiertos\u201d está confirmado." in text


async def test_the_cancel_page_quotes_the_title(client):
    event = await create_event(client)
    manage = (await submit_form(client, event["slug"], person(1))).headers["Location"]
    html = await (await client.get(f"{manage.split('?')[0]}/cancel?lang=es")).text()
    assert f"¿Cancelar su lugar en \u201c{event['title']}\u201d?" in html
