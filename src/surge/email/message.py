"""Building the MIME message: plain functions, no I/O."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterable, Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from html.parser import HTMLParser

from surge.email.exceptions import EmailHeaderError

__all__ = ["Recipients", "build_message", "check_header", "html_to_text", "recipients_list"]

Recipients = str | Iterable[str] | None

# CR, LF, NUL and the other C0 controls (tab is plain folding whitespace), DEL, and every
# character str.splitlines() breaks on (\x1c-\x1e, \x85, U+2028, U+2029): mail libraries
# and servers split on some of them, which turns a value into extra header lines.
_HEADER_BREAKING = re.compile("[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]")


def check_header(field: str, *values: str | None) -> None:
    """Refuse header values that could break out of their header line.

    Raises:
        EmailHeaderError: a value of ``field`` holds a line break or control character.
    """
    for value in values:
        if value and _HEADER_BREAKING.search(value):
            raise EmailHeaderError(field, value)


def recipients_list(value: Recipients) -> list[str]:
    """``"a@x, b@y"``, ``["a@x", "b@y"]`` or None as a list of addresses."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [item.strip() for item in items if item and item.strip()]


def build_message(
    sender: str,
    to: list[str],
    subject: str,
    text: str,
    html: str | None = None,
    attachments: Mapping[str, bytes] | None = None,
    cc: list[str] | None = None,
    reply_to: str | None = None,
) -> EmailMessage:
    """A message with a plain-text part, an optional HTML alternative, and attachments.

    Bcc recipients are never written into the message: they only go to the SMTP envelope.

    Raises:
        ValueError: there is no recipient.
        EmailHeaderError: a header value holds a line break or control character.
    """
    if not to and not cc:
        raise ValueError("An e-mail needs at least one recipient")
    check_header("sender", sender)
    check_header("to_address", *to)
    check_header("cc", *(cc or ()))
    check_header("reply_to", reply_to)
    check_header("subject", subject)
    check_header("attachments", *(attachments or {}))
    message = EmailMessage()
    message["From"] = sender
    if to:
        message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    if reply_to:
        message["Reply-To"] = reply_to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    domain = sender.rpartition("@")[2].rstrip(">") or None
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for filename, content in (attachments or {}).items():
        guessed, _ = mimetypes.guess_type(filename)
        maintype, _, subtype = (guessed or "application/octet-stream").partition("/")
        message.add_attachment(bytes(content), maintype=maintype, subtype=subtype, filename=filename)
    return message


_BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "hr"})
_SKIP = frozenset({"script", "style", "head", "title"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0
        self._href: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skipping += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")
        if tag == "a":
            self._href.append(dict(attrs).get("href"))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")
        if tag == "a" and self._href:
            href = self._href.pop()
            if href and not href.startswith(("#", "mailto:")):
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            # Collapse runs of whitespace but keep one at each edge: "See <b>it</b>." keeps its spaces.
            text = " ".join(data.split())
            if text:
                text = (" " if data[0].isspace() else "") + text + (" " if data[-1].isspace() else "")
            self.parts.append(text or (" " if data else ""))


def html_to_text(html: str) -> str:
    """A readable plain-text version of ``html`` (the alternative part of HTML mails)."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip() + "\n"
