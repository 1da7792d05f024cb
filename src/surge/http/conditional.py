"""Conditional requests and caching headers (RFC 9110 section 13, RFC 9111 section 5.2): plain functions."""

from __future__ import annotations

import email.utils
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TypedDict

__all__ = [
    "CacheDirectives",
    "cache_control_value",
    "etag_value",
    "http_date",
    "if_range_allows",
    "not_modified",
    "parse_http_date",
]


class CacheDirectives(TypedDict, total=False):
    """The keyword arguments of ``Response.cache_control()`` (each a Cache-Control directive)."""

    max_age: int
    s_maxage: int
    public: bool
    private: bool
    no_cache: bool
    no_store: bool
    must_revalidate: bool
    proxy_revalidate: bool
    no_transform: bool
    immutable: bool
    stale_while_revalidate: int
    stale_if_error: int


def etag_value(value: str, weak: bool = False) -> str:
    """The ``ETag`` header for ``value`` (quoted unless it already is; ``W/`` when ``weak``).

    Raises:
        ValueError: ``value`` holds a double quote or a control character (it could not be
            sent as one entity tag).
    """
    if value.startswith(("W/", '"')):
        tag = value
    else:
        if '"' in value or any(ord(char) < 0x21 or ord(char) == 0x7F for char in value):
            raise ValueError(f"An entity tag cannot hold quotes, spaces or control characters: {value!r}")
        tag = f'"{value}"'
    if weak and not tag.startswith("W/"):
        tag = "W/" + tag
    return tag


def http_date(moment: datetime | float) -> str:
    """An HTTP date (``Sun, 06 Nov 1994 08:49:37 GMT``) from a datetime (naive = UTC) or a timestamp."""
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        moment = moment.timestamp()
    return email.utils.formatdate(moment, usegmt=True)


def parse_http_date(value: str) -> float | None:
    """The timestamp of an HTTP date, or None when it is not one."""
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def _opaque(tag: str) -> str:
    return tag.strip().removeprefix("W/")


def not_modified(request_headers: Mapping[str, str], etag: str | None, last_modified: str | None) -> bool:
    """True when a GET/HEAD may be answered 304 Not Modified.

    ``If-None-Match`` wins over ``If-Modified-Since`` (RFC 9110 13.2.2) and compares weakly;
    ``If-Modified-Since`` counts only when the response has a Last-Modified not newer than it.
    """
    if_none_match = request_headers.get("if-none-match")
    if if_none_match is not None:
        if etag is None:
            return False
        candidates = {_opaque(tag) for tag in if_none_match.split(",")}
        return "*" in candidates or _opaque(etag) in candidates
    if_modified_since = request_headers.get("if-modified-since")
    if if_modified_since and last_modified:
        since = parse_http_date(if_modified_since)
        modified = parse_http_date(last_modified)
        return since is not None and modified is not None and int(modified) <= since
    return False


def if_range_allows(if_range: str | None, etag: str | None, last_modified: str | None) -> bool:
    """True when a ``Range`` may be honoured: no ``If-Range``, or one that still matches.

    An entity tag matches strongly only (a weak tag never does); a date matches only when it is
    exactly the Last-Modified (RFC 9110 13.1.5).
    """
    if if_range is None:
        return True
    if_range = if_range.strip()
    if if_range.startswith(('"', "W/")):
        return (
            etag is not None
            and not if_range.startswith("W/")
            and not etag.startswith("W/")
            and if_range == etag
        )
    if last_modified is None:
        return False
    wanted, actual = parse_http_date(if_range), parse_http_date(last_modified)
    return wanted is not None and wanted == actual


def cache_control_value(
    *,
    max_age: int | None = None,
    s_maxage: int | None = None,
    public: bool = False,
    private: bool = False,
    no_cache: bool = False,
    no_store: bool = False,
    must_revalidate: bool = False,
    proxy_revalidate: bool = False,
    no_transform: bool = False,
    immutable: bool = False,
    stale_while_revalidate: int | None = None,
    stale_if_error: int | None = None,
) -> str:
    """The ``Cache-Control`` header value of these directives (in a stable order).

    Raises:
        ValueError: ``public`` and ``private`` together, or no directive at all.
    """
    if public and private:
        raise ValueError("Cache-Control cannot be both public and private")
    flags = (
        ("public", public),
        ("private", private),
        ("no-cache", no_cache),
        ("no-store", no_store),
        ("must-revalidate", must_revalidate),
        ("proxy-revalidate", proxy_revalidate),
        ("no-transform", no_transform),
        ("immutable", immutable),
    )
    numbers = (
        ("max-age", max_age),
        ("s-maxage", s_maxage),
        ("stale-while-revalidate", stale_while_revalidate),
        ("stale-if-error", stale_if_error),
    )
    parts = [name for name, on in flags if on]
    parts.extend(f"{name}={int(seconds)}" for name, seconds in numbers if seconds is not None)
    if not parts:
        raise ValueError("cache_control() needs at least one directive")
    return ", ".join(parts)
