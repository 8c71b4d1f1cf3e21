"""Composing a message safely.

No user text is ever parsed as header syntax. The email package decodes RFC 2047 encoded
words (=?utf-8?q?...?=) in a value it is given and writes the decoded text back raw, so a
name like "=?utf-8?q?Ana=0D=0ABcc:...?=" would add headers. Names, subjects and addresses
therefore go in as `_Written` headers whose wire form we build here: plain text only when
it is printable ASCII that cannot be read as syntax, otherwise UTF-8 encoded words; the
email package stores such a header as it is and asks it to write itself.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.policy import Policy
from email.utils import format_datetime, parseaddr

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


def compose(*, sender: str, sender_name: str | None = None, to_name: str, to_addr: str,
            subject: str, text: str,
            html: str | None, message_id: str, date: datetime, reply_to: list[str] | None = None,
            attachments: list[Attachment] | None = None,
            headers: dict[str, str] | None = None) -> EmailMessage:
    msg = EmailMessage(policy=SMTP_POLICY)
    # `sender_name` (the organizer's, user text) replaces the display name of `sender`
    # (WEBINAR_MAIL_FROM) and is written as words, never parsed.
    default_name, sender_addr = parseaddr(sender)
    msg["From"] = _Written("From", _mailbox(sender_name or default_name, sender_addr))
    msg["To"] = _Written("To", _mailbox(to_name, to_addr))
    replies = _safe_addr_specs(reply_to or [])  # one that cannot be written is left out
    if replies:
        msg["Reply-To"] = _Written("Reply-To", [f"{a}," for a in replies[:-1]] + replies[-1:])
    msg["Subject"] = _Written("Subject", _words(_one_line(subject)[:250], _PLAIN_TEXT))
    msg["Date"] = format_datetime(date.astimezone(UTC))
    msg["Message-ID"] = message_id
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    for item in attachments or []:
        maintype, subtype = item.content_type.split("/", 1)
        msg.add_attachment(item.data, maintype=maintype, subtype=subtype,
                           filename=item.filename, params=item.params or {})
    # Last: set_content() drops every Content-* header set before it.
    for name, value in (headers or {}).items():
        msg[name] = _one_line(value)
    return msg
