"""Mail transport: delivering a composed message by SMTP or into .eml files.

The SMTP mailer keeps a few connections open and reuses them, at most `smtp_connections`
messages in flight. It runs the mail transaction (MAIL, RCPT, DATA) itself with aiosmtplib's
command primitives rather than `sendmail`: a composed `Mail` already carries plain
addr-specs (webinar.mail.compose refuses any other address) and CRLF lines, so parsing the
addresses again and normalizing the line endings twice per message, which was a third of
the sending CPU of a reminder run, is left out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import aiosmtplib

from webinar.mail.compose import Mail, UnsafeAddress
from webinar.settings import Settings, SmtpConfig

log = logging.getLogger(__name__)


class Mailer(Protocol):
    async def send(self, msg: Mail) -> None: ...

    async def close(self) -> None: ...


class MailError(Exception):
    def __init__(self, message: str, *, temporary: bool, code: int | None = None):
        super().__init__(message)
        self.temporary = temporary
        self.code = code


class FileMailer:
    """Writes each message as an .eml file: the default when no SMTP relay is configured.

    Every send is a new file, never overwriting one (a copy sent twice shows as two
    files; its unfinished .tmp file is created exclusively too), named
    <UTC time to the microsecond>-<random>-<Message-ID>.eml so that `ls` lists them in the
    order they were sent."""

    def __init__(self, directory: Path):
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self._last_us = 0

    def _name(self, ident: str) -> str:
        # Microseconds since the epoch, never repeating or going back within this mailer.
        self._last_us = max(time.time_ns() // 1000, self._last_us + 1)
        moment = datetime.fromtimestamp(self._last_us / 1_000_000, UTC)
        return f"{moment:%Y%m%dT%H%M%S.%fZ}-{secrets.token_hex(3)}-{ident}.eml"

    async def send(self, msg: Mail) -> None:
        ident = re.sub(r"[^A-Za-z0-9._-]", "", msg.message_id)[:120]
        data = msg.as_bytes()
        path = self.directory / self._name(ident)
        try:
            tmp = self._write_new(path.name + ".tmp", data, ident)
            try:
                while True:
                    try:
                        os.link(tmp, path)  # appears complete, and never overwrites
                        break
                    except FileExistsError:
                        path = self.directory / self._name(ident)
            finally:
                tmp.unlink(missing_ok=True)
        except OSError as exc:
            raise MailError(f"could not write {path.name}: {exc}", temporary=True) from exc

    def _write_new(self, name: str, data: bytes, ident: str) -> Path:
        """Write `data` to a file that did not exist before (created exclusively), under
        `name` or, if another writer has that one, under a new name: two writers on one
        directory (two schedulers) never write into, or remove, each other's file."""
        while True:
            tmp = self.directory / name
            try:
                file = open(tmp, "xb")  # noqa: SIM115 - closed just below
            except FileExistsError:
                name = self._name(ident) + ".tmp"
                continue
            try:
                with file:
                    file.write(data)
            except BaseException:
                tmp.unlink(missing_ok=True)  # ours: no half-written file left behind
                raise
            return tmp

    async def close(self) -> None:
        pass


class SmtpMailer:
    """A small pool of reused SMTP connections."""

    def __init__(self, config: SmtpConfig, size: int):
        self.config = config
        self._slots = asyncio.Semaphore(size)
        self._idle: list[aiosmtplib.SMTP] = []

    async def _connect(self) -> aiosmtplib.SMTP:
        c = self.config
        client = aiosmtplib.SMTP(hostname=c.host, port=c.port, use_tls=c.use_tls,
                                 start_tls=c.start_tls, timeout=c.timeout,
                                 username=c.username, password=c.password)
        await client.connect()
        if client.is_ehlo_or_helo_needed:  # no TLS or login on connect: greet here
            try:
                await client.ehlo()
            except aiosmtplib.SMTPHeloError:
                await client.helo()
        return client

    async def send(self, msg: Mail) -> None:
        envelope = Envelope.of(msg)  # before a connection is taken: may refuse the mail
        async with self._slots:
            client = self._idle.pop() if self._idle else None
            reused = client is not None
            try:
                if client is None:
                    client = await self._connect()
                try:
                    await transact(client, envelope)
                except aiosmtplib.SMTPServerDisconnected:
                    if not reused:
                        raise
                    # An idle connection the server closed: one fresh try.
                    await _quietly_close(client)
                    client = await self._connect()
                    await transact(client, envelope)
            except aiosmtplib.SMTPRecipientsRefused as exc:
                await _quietly_close(client)
                codes = [r.code for r in exc.recipients] or [550]
                raise MailError(str(exc), temporary=all(400 <= c < 500 for c in codes),
                                code=codes[0]) from exc
            except aiosmtplib.SMTPResponseException as exc:
                await _quietly_close(client)
                raise MailError(f"{exc.code} {exc.message}", temporary=400 <= exc.code < 500,
                                code=exc.code) from exc
            except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
                await _quietly_close(client)
                raise MailError(f"{type(exc).__name__}: {exc}", temporary=True) from exc
            else:
                self._idle.append(client)

    async def close(self) -> None:
        while self._idle:
            client = self._idle.pop()
            with contextlib.suppress(Exception):
                await client.quit()
            await _quietly_close(client)


_SAFE_PATH = re.compile(rb"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~@-]+")


def _path(address: str) -> bytes:
    """'<address>' for MAIL FROM / RCPT TO. Only a plain addr-spec is written as it is (what
    compose gives); anything that could end the path or the command line is refused."""
    data = address.encode("utf-8")
    if not address.isascii() or not _SAFE_PATH.fullmatch(data) or data.count(b"@") != 1:
        raise UnsafeAddress("an address that cannot be written on an SMTP command line")
    return b"<" + data + b">"


@dataclass(frozen=True)
class Envelope:
    """A mail ready for the wire: its paths for MAIL FROM and RCPT TO, and its bytes."""

    sender: str
    sender_path: bytes
    recipients: list[tuple[str, bytes]]
    data: bytes

    @classmethod
    def of(cls, msg: Mail) -> Envelope:
        return cls(msg.sender, _path(msg.sender), [(r, _path(r)) for r in msg.recipients],
                   msg.as_bytes())


async def transact(client: aiosmtplib.SMTP, mail: Envelope) -> None:
    """One mail transaction on a greeted connection, as aiosmtplib's `sendmail` runs it
    (SIZE when offered; the message is refused only when every recipient is; RSET after
    a refusal so the connection can be reused), on the message's own bytes, which are
    already CRLF lines (DATA still dot-stuffs them)."""
    sender, recipients, data = mail.sender_path, mail.recipients, mail.data
    options = [b"SIZE=%d" % len(data)] if client.supports_extension("size") else []
    try:
        reply = await client.execute_command(b"MAIL", b"FROM:" + sender, *options)
        if reply.code != aiosmtplib.SMTPStatus.completed:
            raise aiosmtplib.SMTPSenderRefused(reply.code, reply.message, mail.sender)
        refused = []
        for address, path in recipients:
            reply = await client.execute_command(b"RCPT", b"TO:" + path)
            if reply.code not in (aiosmtplib.SMTPStatus.completed,
                                  aiosmtplib.SMTPStatus.will_forward):
                refused.append(aiosmtplib.SMTPRecipientRefused(reply.code, reply.message,
                                                                address))
        if len(refused) == len(recipients):
            raise aiosmtplib.SMTPRecipientsRefused(refused)
        await client.data(data)
    except (aiosmtplib.SMTPResponseException, aiosmtplib.SMTPRecipientsRefused):
        with contextlib.suppress(ConnectionError, aiosmtplib.SMTPException):
            await client.rset()  # as sendmail does: a clean envelope for the next mail
        raise


async def _quietly_close(client: aiosmtplib.SMTP | None) -> None:
    if client is not None:
        with contextlib.suppress(Exception):
            client.close()


@asynccontextmanager
async def open_mailer(settings: Settings) -> AsyncIterator[Mailer]:
    config = settings.smtp()
    mailer: Mailer = (SmtpMailer(config, settings.smtp_connections) if config
              else FileMailer(settings.mail_dir))
    try:
        yield mailer
    finally:
        await mailer.close()
