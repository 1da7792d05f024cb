"""Content negotiation: ``Accept``-style headers with q-values, and a small safe XML writer; no I/O."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from surge.exceptions.http import BaseHttpException

__all__ = ["NotAcceptable", "best_match", "parse_accept", "parse_q_list", "to_xml"]

_XML_NAME = re.compile(r"[A-Za-z_][\w.\-]*")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAX_ITEMS = 64  # an Accept header longer than this is cut: parsing must stay cheap


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return 0.0
            return min(max(q, 0.0), 1.0)
    return 1.0


def parse_q_list(header: str) -> list[tuple[str, float]]:
    """``[(token, q)]`` of a comma list such as ``Accept-Encoding`` (tokens lowercased)."""
    items: list[tuple[str, float]] = []
    for part in header.split(",")[:_MAX_ITEMS]:
        token, *params = part.split(";")
        token = token.strip().lower()
        if token:
            items.append((token, _quality(params)))
    return items


def parse_accept(header: str) -> list[tuple[str, str, float]]:
    """``[(type, subtype, q)]`` of an ``Accept`` header (media-type parameters other than q ignored)."""
    ranges: list[tuple[str, str, float]] = []
    for token, q in parse_q_list(header):
        kind, _, subtype = token.partition("/")
        if kind and subtype:
            ranges.append((kind, subtype, q))
    return ranges


def _q_for(offer: str, ranges: list[tuple[str, str, float]]) -> float:
    """The q the most specific matching range gives ``offer`` (0 when none matches)."""
    kind, _, subtype = offer.split(";", 1)[0].strip().lower().partition("/")
    best_specificity, best_q = -1, 0.0
    for range_kind, range_subtype, q in ranges:
        if range_kind == kind and range_subtype == subtype:
            specificity = 2
        elif range_kind == kind and range_subtype == "*":
            specificity = 1
        elif range_kind == "*" and range_subtype == "*":
            specificity = 0
        else:
            continue
        if specificity > best_specificity:
            best_specificity, best_q = specificity, q
    return best_q


def best_match(header: str | None, offers: Sequence[str]) -> str | None:
    """The offer the client prefers by q-value (the first offer on a tie), or None if none is acceptable.

    No ``Accept`` header (or an empty one) accepts anything: the first offer wins.
    """
    if not offers:
        return None
    if header is None or not header.strip():
        return offers[0]
    ranges = parse_accept(header)
    if not ranges:
        return offers[0]
    best, best_q = None, 0.0
    for offer in offers:
        q = _q_for(offer, ranges)
        if q > best_q:
            best, best_q = offer, q
    return best


def _tag(name: object) -> tuple[str, str]:
    """An element name for a key, and an attribute keeping the original key when it is not one."""
    text = str(name)
    if _XML_NAME.fullmatch(text) and not text.lower().startswith("xml"):
        return text, ""
    return "item", f" key={quoteattr(_XML_INVALID.sub('', text))}"


def _scalar(value: object) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    return escape(_XML_INVALID.sub("", str(value)))


def _write(parts: list[str], name: str, attrs: str, value: Any, depth: int) -> None:
    if depth > 64:
        raise ValueError("Data nested deeper than 64 levels cannot be written as XML")
    if value is None:
        parts.append(f"<{name}{attrs}/>")
    elif isinstance(value, Mapping):
        parts.append(f"<{name}{attrs}>")
        for key, item in value.items():
            child, child_attrs = _tag(key)
            _write(parts, child, child_attrs, item, depth + 1)
        parts.append(f"</{name}>")
    elif isinstance(value, (list, tuple)):
        parts.append(f"<{name}{attrs}>")
        for item in value:
            _write(parts, "item", "", item, depth + 1)
        parts.append(f"</{name}>")
    else:
        parts.append(f"<{name}{attrs}>{_scalar(value)}</{name}>")


def to_xml(data: Any, root: str = "response") -> bytes:
    """``data`` (JSON-like: dicts, lists, str, numbers, bools, None) as an XML document.

    Keys that are not XML names become ``<item key="...">``; list items are ``<item>``; text
    is escaped and characters XML cannot hold are dropped, so any data gives well-formed XML.

    Raises:
        ValueError: the data is nested deeper than 64 levels.
    """
    parts = ['<?xml version="1.0" encoding="UTF-8"?>']
    name, attrs = _tag(root)
    _write(parts, name, attrs, data, 0)
    return "".join(parts).encode("utf-8")


class NotAcceptable(BaseHttpException):
    """No representation the client accepts (406); ``data`` lists the available media types."""

    status_code = 406
    default_message = "None of the available representations is acceptable"

    def __init__(self, available: Sequence[str]) -> None:
        listed = ", ".join(available)
        super().__init__(
            f"Not acceptable: this resource is available as {listed}", data={"available": list(available)}
        )
