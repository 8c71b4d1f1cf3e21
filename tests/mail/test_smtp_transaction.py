"""The SMTP mailer's own mail transaction (MAIL, RCPT, DATA with aiosmtplib's command
primitives) against a real aiosmtpd server: the envelope and the bytes arrive as composed,
refusals become MailErrors and leave the connection usable, and an address that could
break the command line is refused before a connection is used."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import NOW, free_port
from webinar.mail.compose import Mail, UnsafeAddress, compose
from webinar.mail.transport import MailError, SmtpMailer
from webinar.settings import SmtpConfig


@dataclass
class Recorder:
    """Records each accepted envelope; refuses senders/recipients listed in `refuse`."""

    envelopes: list = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)  # address -> reply
    commands: list[str] = field(default_factory=list)

    async def handle_MAIL(self, server, session, envelope, address, options):  # noqa: N802
        self.commands.append(f"MAIL {address} {' '.join(options)}".strip())
        if address in self.refuse:
            return self.refuse[address]
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        self.commands.append(f"RCPT {address}")
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_RSET(self, server, session, envelope):  # noqa: N802
        self.commands.append("RSET")
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos),
                               list(envelope.mail_options), envelope.original_content))
        return "250 OK"


@pytest.fixture
def relay():
    recorder, port = Recorder(), free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield recorder, port
    finally:
        controller.stop()


def mailer(port: int) -> SmtpMailer:
    return SmtpMailer(SmtpConfig(host="127.0.0.1", port=port, use_tls=False, start_tls=False,
                                 username=None, password=None, timeout=10), 2)


def message(to: str = "ana@example.org", text: str = "Hola,\n.una línea con punto\n.\nFin\n"
            ) -> Mail:
    return compose(sender="Foros <foros@example.org>", to_name="Ana Núñez", to_addr=to,
                   subject="Recordatorio: Foro", text=text, html="<p>.hola</p>",
                   message_id="<1@example.org>", date=NOW)


async def test_the_relay_gets_the_envelope_and_the_composed_bytes(relay):
    recorder, port = relay
    smtp = mailer(port)
    try:
        msg = message()
        await smtp.send(msg)
        await smtp.send(message(to="luis@example.org"))
    finally:
        await smtp.close()
    (sender, rcpts, options, data), second = recorder.envelopes
    assert (sender, rcpts) == ("foros@example.org", ["ana@example.org"])
    # Lines starting with "." are dot-stuffed on the wire and arrive as composed.
    assert data == msg.as_bytes()
    assert options == [f"SIZE={len(msg.as_bytes())}"]
    assert second[1] == ["luis@example.org"]


async def test_a_refused_recipient_is_a_permanent_error_and_the_connection_goes_on(relay):
    recorder, port = relay
    recorder.refuse["nadie@example.org"] = "550 5.1.1 no such user"
    smtp = mailer(port)
    try:
        with pytest.raises(MailError) as failed:
            await smtp.send(message(to="nadie@example.org"))
        assert (failed.value.temporary, failed.value.code) == (False, 550)
        assert recorder.commands[-1] == "RSET"
        await smtp.send(message(to="ana@example.org"))
    finally:
        await smtp.close()
    assert [e[1] for e in recorder.envelopes] == [["ana@example.org"]]


async def test_a_sender_refused_for_now_is_a_temporary_error(relay):
    recorder, port = relay
    recorder.refuse["foros@example.org"] = "451 4.3.0 try later"
    smtp = mailer(port)
    try:
        with pytest.raises(MailError) as failed:
            await smtp.send(message())
    finally:
        await smtp.close()
    assert (failed.value.temporary, failed.value.code) == (True, 451)
    assert recorder.envelopes == []


@pytest.mark.parametrize("address", ["ana@example.org> NOTIFY=NEVER", "ana@example.org\r\nRSET",
                                     "<ana@example.org>", "ana", "a@b@example.org",
                                     "añ@example.org"])
async def test_an_address_that_could_break_the_command_line_is_never_written(relay, address):
    recorder, port = relay
    good = message()
    smtp = mailer(port)
    try:
        with pytest.raises(UnsafeAddress):
            await smtp.send(Mail(good.as_bytes(), "foros@example.org", [address], "<1@x>"))
        with pytest.raises(UnsafeAddress):
            await smtp.send(Mail(good.as_bytes(), address, ["ana@example.org"], "<1@x>"))
    finally:
        await smtp.close()
    assert recorder.commands == [] and recorder.envelopes == []
