"""Composing a message safely: headers go through the email package's SMTP policy, which
refuses CR/LF in any header value, and names go in as Address objects, so no input can
add a header."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import parseaddr

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # "text/calendar"
    data: bytes
    params: dict | None = None


def _one_line(text: str) -> str:
    return _CONTROL.sub(" ", text).strip()


def address(name: str, addr: str) -> Address:
    local, _, domain = addr.rpartition("@")
    return Address(display_name=_one_line(name)[:200], username=local, domain=domain)


def compose(*, sender: str, to_name: str, to_addr: str, subject: str, text: str,
            html: str | None, message_id: str, reply_to: list[str] | None = None,
            attachments: list[Attachment] | None = None,
            headers: dict[str, str] | None = None) -> EmailMessage:
    msg = EmailMessage(policy=SMTP_POLICY)
    sender_name, sender_addr = parseaddr(sender)
    msg["From"] = address(sender_name, sender_addr)
    msg["To"] = address(to_name, to_addr)
    if reply_to:
        msg["Reply-To"] = [address("", a) for a in reply_to]
    msg["Subject"] = _one_line(subject)[:250]
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
