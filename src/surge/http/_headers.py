"""Building a response's raw ASGI headers and its ``Set-Cookie`` values (once per response)."""

from __future__ import annotations

import re
from http.cookies import SimpleCookie

__all__ = ["MEDIA_TYPES", "cookie_header", "has_header", "raw_headers"]

MEDIA_TYPES: dict[str | None, bytes] = {}  # media type -> encoded header value (a handful of entries)
_MEDIA_TYPES_MAX = 64
_COOKIE_OCTETS = re.compile(r"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*")


def has_header(headers: dict[str, str], name: str) -> bool:
    """True when ``headers`` holds ``name`` (lowercase), whatever the case of its key."""
    return name in headers or any(key.lower() == name for key in headers)


def raw_headers(
    headers: dict[str, str],
    media_type: str | None,
    length: int | None,
    extra: list[tuple[str, str]] | None,
    cookies: list[str] | None,
) -> list[tuple[bytes, bytes]]:
    """The ASGI header list: ``headers``, Content-Type from ``media_type`` and Content-Length
    ``length`` (unless set in ``headers``; None: no length), repeated headers, then cookies."""
    if headers:
        raw = [(key.lower().encode("latin-1"), value.encode("latin-1")) for key, value in headers.items()]
        has_type = has_header(headers, "content-type")
        has_length = has_header(headers, "content-length")
    else:
        raw, has_type, has_length = [], False, False
    if media_type is not None and not has_type:
        encoded = MEDIA_TYPES.get(media_type)
        if encoded is None:
            encoded = str(media_type).encode("latin-1")
            if len(MEDIA_TYPES) < _MEDIA_TYPES_MAX:  # per-response values (a boundary) must not grow it
                MEDIA_TYPES[media_type] = encoded
        raw.append((b"content-type", encoded))
    if length is not None and not has_length:
        raw.append((b"content-length", b"%d" % length))  # PERF: cheaper than str().encode()
    if extra:
        raw.extend((key.lower().encode("latin-1"), value.encode("latin-1")) for key, value in extra)
    if cookies:
        raw.extend((b"set-cookie", cookie.encode("latin-1")) for cookie in cookies)
    return raw


def cookie_header(
    name: str,
    value: str,
    *,
    max_age: int | None,
    path: str,
    domain: str | None,
    secure: bool,
    http_only: bool,
    same_site: str | None,
    expires: int | str | None,
) -> str:
    """One ``Set-Cookie`` value; RFC 6265 values go out verbatim (unquoted), as PyJolt's do."""
    cookie: SimpleCookie = SimpleCookie()
    cookie[name] = value
    morsel = cookie[name]
    if _COOKIE_OCTETS.fullmatch(morsel.value):
        morsel.set(name, morsel.value, morsel.value)
    morsel["path"] = path
    if max_age is not None:
        morsel["max-age"] = str(max_age)
    if expires is not None:
        morsel["expires"] = expires
    if domain is not None:
        morsel["domain"] = domain
    if secure:
        morsel["secure"] = True
    if http_only:
        morsel["httponly"] = True
    if same_site:
        morsel["samesite"] = same_site
    return morsel.OutputString()
