"""Composing a message safely.

No user text is ever parsed as header syntax. The email package decodes RFC 2047 encoded
words (=?utf-8?q?...?=) in a value it is given and writes the decoded text back raw, so a
name like "=?utf-8?q?Ana=0D=0ABcc:...?=" would add headers. Names, subjects and addresses
therefore go in as `_Written` headers whose wire form we build here: plain text only when
it is printable ASCII that cannot be read as syntax, otherwise UTF-8 encoded words; the
email package stores such a header as it is and asks it to write itself; `compose`
asks them to write themselves too, and writes the rest of the message (our own ASCII
headers, the MIME structure, quoted-printable or base64 bodies) directly.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import SMTP as SMTP_POLICY
from email.policy import Policy
from email.policy import default as default_policy
from email.utils import format_datetime, parseaddr
from functools import cached_property, lru_cache
from typing import Any
from urllib.parse import quote

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
# Text written as it is: in Subject, any printable ASCII; in a display name, words of
# atext (no specials, no quotes). Neither may look like the start of an encoded word.
_PLAIN_TEXT = re.compile(r"[ -~]*")
_PLAIN_PHRASE = re.compile(r"[A-Za-z0-9 !#$%&'*+/^_`{|}~-]*")
# An address we write as it is: a dot-atom local part and domain, nothing a parser could
# take for an encoded word, a comment, a quote or a second address.
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")
_WORD_BYTES = 39  # 52 base64 characters: an encoded word of 64, well inside a 78 line


class UnsafeAddress(ValueError):
    """An address that cannot be written as a plain addr-spec (no mail is sent to it)."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # "text/calendar"
    data: bytes
    params: dict | None = None


def _one_line(text: str) -> str:
    return _CONTROL.sub(" ", text).strip()


def _encoded_words(text: str) -> list[str]:
    """`text` as RFC 2047 encoded words (UTF-8, base64), each of whole characters and,
    where there is a space to split after, of whole words (decoders that wrongly keep
    the folding space between two encoded words then show it beside a space)."""
    chunks: list[bytes] = []
    chunk = b""
    for char in text:
        data = char.encode()
        if chunk and len(chunk) + len(data) > _WORD_BYTES:
            cut = chunk.rfind(b" ") + 1 or len(chunk)
            chunks.append(chunk[:cut])
            chunk = chunk[cut:]
        chunk += data
    if chunk:
        chunks.append(chunk)
    return [f"=?utf-8?b?{base64.b64encode(c).decode('ascii')}?=" for c in chunks]


def _words(text: str, plain: re.Pattern[str]) -> list[str]:
    """User text as header words: as it is when `plain` allows it and nothing in it can
    be taken for an encoded word, else encoded."""
    text = " ".join(_one_line(text).split())
    if plain.fullmatch(text) and "=?" not in text and "?=" not in text:
        return text.split()
    return _encoded_words(text)


def _addr_spec(addr: str) -> str:
    """The address as written on the wire (an international domain in its ASCII form)."""
    local, _, domain = addr.rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii") if domain else domain
    except UnicodeError:
        domain = ""
    spec = f"{local}@{domain}"
    if not _PLAIN_ADDRESS.fullmatch(spec) or "=?" in spec or "?=" in spec:
        raise UnsafeAddress("an address that cannot be written safely")
    return spec


def _safe_addr_specs(addrs: list[str]) -> list[str]:
    specs = []
    for addr in addrs:
        try:
            specs.append(_addr_spec(addr))
        except UnsafeAddress:
            continue
    return specs


class _Written(str):
    """A header whose wire form is built here. EmailPolicy keeps a value that has a `name`
    as it is (header_store_parse) and asks it to `fold` itself when the message is
    written, so the email package never parses it. str() is the unfolded wire form."""

    name: str
    _words: tuple[str, ...]

    def __new__(cls, name: str, words: list[str]) -> _Written:
        self = super().__new__(cls, " ".join(words))
        self.name = name
        self._words = tuple(words)
        return self

    def fold(self, *, policy: Policy) -> str:
        """The words in order, on a new folded line when a line would pass 78."""
        lines: list[str] = []
        line, empty = f"{self.name}:", True
        for word in self._words:
            if not empty and len(line) + 1 + len(word) > 78:
                lines.append(line)
                line = ""
            line += f" {word}"
            empty = False
        lines.append(line)
        return policy.linesep.join(lines) + policy.linesep


def _mailbox(name: str, addr: str) -> list[str]:
    spec = _addr_spec(addr)
    words = _words(name[:200], _PLAIN_PHRASE)
    return [*words, f"<{spec}>"] if words else [spec]


class Mail:
    """A composed message: its wire form (ASCII, CRLF lines) and its SMTP envelope.

    The wire form is written here directly rather than by the email package, whose header
    registry and generator were three quarters of the CPU of a mail run (and ran on the
    web process's event loop when the scheduler is embedded). Reading a header or a part
    (`msg["To"].addresses`, `get_body()`, `iter_attachments()`) parses the wire form with
    the email package, once: what callers and tests see is exactly what is sent.
    """

    def __init__(self, data: bytes, sender: str, recipients: list[str], message_id: str):
        self.data = data
        self.sender = sender
        self.recipients = recipients
        self.message_id = message_id

    def as_bytes(self) -> bytes:
        return self.data

    @cached_property
    def parsed(self) -> EmailMessage:
        msg = BytesParser(policy=default_policy).parsebytes(self.data)
        assert isinstance(msg, EmailMessage)
        return msg

    def __getitem__(self, name: str) -> Any:
        return self.parsed[name]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.parsed, name)


_CRLF = "\r\n"


def _header(name: str, value: str) -> str:
    """A header we write from our own ASCII text (dates, ids, MIME fields)."""
    value = _one_line(value)
    if not value.isascii():
        raise ValueError(f"{name}: only ASCII is written as it is")
    return f"{name}: {value}{_CRLF}"


def _text_part(subtype: str, text: str) -> str:
    """A text/* part, UTF-8: 7bit when it is short-lined ASCII, else quoted-printable."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if text.isascii() and all(len(line) <= 76 for line in lines) and "\x00" not in text:
        cte, body = "7bit", _CRLF.join(lines)
    else:
        data = "\n".join(lines).encode("utf-8")
        cte = "quoted-printable"
        body = binascii.b2a_qp(data, istext=True).decode("ascii").replace("\n", _CRLF)
    if not body.endswith(_CRLF):
        body += _CRLF
    return (f'Content-Type: text/{subtype}; charset="utf-8"{_CRLF}'
            f"Content-Transfer-Encoding: {cte}{_CRLF}{_CRLF}{body}")


_TOKEN = re.compile(r"[A-Za-z0-9!#$&^_.+-]+")  # a MIME type or parameter name (RFC 2045)


def _params(params: dict[str, str]) -> str:
    """'; name="value"' for each, each on a folded line of its own."""
    out = ""
    for name, value in params.items():
        if not _TOKEN.fullmatch(name):
            raise ValueError(f"bad MIME parameter name {name!r}")
        value = _one_line(str(value))
        if _PLAIN_TEXT.fullmatch(value) and '"' not in value and "\\" not in value:
            out += f';{_CRLF} {name}="{value}"'
        else:
            out += f";{_CRLF} {name}*=utf-8''{quote(value, safe='')}"
    return out


def _attachment_part(item: Attachment) -> str:
    maintype, _, subtype = item.content_type.partition("/")
    if not (_TOKEN.fullmatch(maintype) and _TOKEN.fullmatch(subtype)):
        raise ValueError(f"bad content type {item.content_type!r}")
    data = base64.encodebytes(item.data).decode("ascii").replace("\n", _CRLF)
    return (f"Content-Type: {maintype}/{subtype}{_params(item.params or {})}{_CRLF}"
            f"Content-Transfer-Encoding: base64{_CRLF}"
            f"Content-Disposition: attachment{_params({'filename': item.filename})}{_CRLF}"
            f"{_CRLF}{data}")


def _multipart(subtype: str, parts: list[str]) -> str:
    boundary = "=_" + secrets.token_hex(16)  # "=_" never occurs in base64 or QP text
    # The CRLF before each delimiter belongs to the delimiter (RFC 2046), not to the part.
    body = "".join(f"--{boundary}{_CRLF}{part}{_CRLF}" for part in parts)
    return (f'Content-Type: multipart/{subtype};{_CRLF} boundary="{boundary}"{_CRLF}{_CRLF}'
            f"{body}--{boundary}--{_CRLF}")


@lru_cache(maxsize=16)
def _parse_sender(sender: str) -> tuple[str, str]:
    """The configured sender, parsed once (it is the same for every mail)."""
    return parseaddr(sender)


# The headers every mail of a batch shares (From, Reply-To, Subject) are the same few
# values over and over: each is written once. Pure functions of their arguments.
@lru_cache(maxsize=256)
def _shared_mailbox(header: str, name: str, addr: str) -> str:
    return _Written(header, _mailbox(name, addr)).fold(policy=SMTP_POLICY)


@lru_cache(maxsize=256)
def _reply_to(addrs: tuple[str, ...]) -> str:
    replies = _safe_addr_specs(list(addrs))  # one that cannot be written is left out
    if not replies:
        return ""
    return _Written("Reply-To", [f"{a}," for a in replies[:-1]] + replies[-1:]).fold(
        policy=SMTP_POLICY)


@lru_cache(maxsize=256)
def _subject(subject: str) -> str:
    return _Written("Subject", _words(_one_line(subject)[:250], _PLAIN_TEXT)).fold(
        policy=SMTP_POLICY)


def compose(*, sender: str, sender_name: str | None = None, to_name: str, to_addr: str,
            subject: str, text: str,
            html: str | None, message_id: str, date: datetime, reply_to: list[str] | None = None,
            attachments: list[Attachment] | None = None,
            headers: dict[str, str] | None = None) -> Mail:
    """The message, built on the wire: user text only ever as `_Written` words (plain
    when it cannot be read as syntax, else encoded words) and in bodies, never parsed.
    `sender_name` (the organizer's, user text) replaces the display name of `sender`
    (WEBINAR_MAIL_FROM)."""
    default_name, sender_addr = _parse_sender(sender)
    head = [
        _shared_mailbox("From", sender_name or default_name, sender_addr),
        _Written("To", _mailbox(to_name, to_addr)).fold(policy=SMTP_POLICY),
    ]
    if reply_to:
        head.append(_reply_to(tuple(reply_to)))
    head.append(_subject(subject))
    head.append(_header("Date", format_datetime(date.astimezone(UTC))))
    head.append(_header("Message-ID", message_id))
    head.append(_header("Auto-Submitted", "auto-generated"))
    for name, value in (headers or {}).items():
        if not _TOKEN.fullmatch(name) or name.lower().startswith("content-t"):
            raise ValueError(f"header {name!r} is not ours to set here")
        head.append(_header(name, value))
    head.append(_header("MIME-Version", "1.0"))
    body = _text_part("plain", text)
    if html:
        body = _multipart("alternative", [body, _text_part("html", html)])
    if attachments:
        body = _multipart("mixed", [body, *(_attachment_part(a) for a in attachments)])
    data = ("".join(head) + body).encode("ascii")
    return Mail(data, _addr_spec(sender_addr), [_addr_spec(to_addr)], _one_line(message_id))
