"""A notice's e-mail as the bytes an SMTP server is given: text and HTML in UTF-8, base64.

Why not Django's `EmailMultiAlternatives`: building and flattening one through the standard
library's `email` package (header folding, charset handling, the generator) cost about
0.55 ms of CPU per e-mail, a third of the worker's work per message (profiled with
`bench/notices.py --profile --cprofile`). A notice's e-mail always has the same shape — one
ASCII address, a subject, a text and an HTML part — so it is written directly here:
encoded-word subject and sender name (RFC 2047), base64 bodies (RFC 2045), CRLF lines.
tests/notices/test_mime.py reads what this writes with the standard library's parser and
checks it says the same as Django's message. Anything outside that shape (an address that
is not ASCII) is built by Django instead (`can_write`).
"""

from __future__ import annotations

import base64
import functools
import secrets
from email.utils import formataddr, formatdate, parseaddr

# Bytes of text per encoded word: base64 makes 52 characters of them, 64 with the markers,
# 73 after "Subject: ", inside the 78 a header line should hold.
WORD_BYTES = 39


def can_write(*, to: str, headers: dict[str, str]) -> bool:
    """Whether `email_bytes` can write this e-mail (else Django builds it)."""
    return (
        to.isascii()
        and is_plain(to)
        and all(value.isascii() and is_plain(value) for value in headers.values())
    )


def is_plain(value: str) -> bool:
    return "\r" not in value and "\n" not in value


def encoded_words(text: str) -> str:
    """`text` as RFC 2047 encoded words (UTF-8, base64), one header line each."""
    if not text:
        return ""
    words, chunk, size = [], [], 0
    for char in text:
        length = len(char.encode())
        if size + length > WORD_BYTES:
            words.append("".join(chunk))
            chunk, size = [], 0
        chunk.append(char)
        size += length
    words.append("".join(chunk))
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(w.encode()).decode()}?=" for w in words)


@functools.lru_cache(maxsize=8)
def address(value: str) -> str:
    """A From header's value (the name encoded when it is not ASCII); once per setting."""
    return formataddr(parseaddr(value), charset="utf-8")


def body_part(content_type: str, text: str) -> bytes:
    canonical = text.replace("\r\n", "\n").replace("\n", "\r\n")  # CRLF lines (RFC 2046)
    encoded = base64.encodebytes(canonical.encode()).replace(b"\n", b"\r\n")
    return (
        f'Content-Type: {content_type}; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
    ).encode() + encoded


def email_bytes(
    *,
    from_header: str,
    to: str,
    subject: str,
    text: str,
    html: str,
    headers: dict[str, str],
    localtime: bool = False,
) -> bytes:
    """The whole message: headers, then the text and the HTML as alternatives."""
    boundary = f"=_{secrets.token_hex(12)}"
    lines = [
        f"From: {from_header}",
        f"To: {to}",
        f"Subject: {encoded_words(subject)}",
        f"Date: {formatdate(localtime=localtime)}",
        *(f"{name}: {value}" for name, value in headers.items()),
        "MIME-Version: 1.0",
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
        "",
        "",
    ]
    delimiter = f"\r\n--{boundary}\r\n".encode()
    return b"".join(
        [
            "\r\n".join(lines).encode(),
            delimiter[2:],
            body_part("text/plain", text),
            delimiter,
            body_part("text/html", html),
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )


@functools.lru_cache(maxsize=8)
def envelope_sender(from_email: str) -> str:
    """The address alone, for SMTP's MAIL FROM."""
    return parseaddr(from_email)[1]
