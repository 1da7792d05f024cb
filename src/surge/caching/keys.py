"""Cache keys for endpoint responses: plain functions, no I/O.

A key is ``<endpoint>:<METHOD>:<host>:<route params>:<query>`` plus ``:user=<id>`` when a
user is set on the request. The host is part of it so that a request with a forged ``Host``
(whose page may carry links built from it) cannot fill the entry other clients are served. Route params and query pairs are sorted, so ``?a=1&b=2`` and
``?b=2&a=1`` share an entry. Keys longer than :data:`MAX_READABLE` keep the readable head and
replace the rest with a SHA-256 digest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

__all__ = ["MAX_READABLE", "make_key", "normalize_host", "user_identity"]

MAX_READABLE = 200


def normalize_host(host: str | None) -> str:
    """``host`` as a key part: lowercased, without a trailing dot; ``""`` when absent."""
    if not host:
        return ""
    value = host.strip().lower()
    name, colon, port = value.rpartition(":")
    if colon and port.isdigit() and (not name.startswith("[") or name.endswith("]")):
        return f"{name.rstrip('.')}:{port}"
    return value.rstrip(".")


def make_key(
    endpoint: str,
    method: str = "GET",
    route_params: Mapping[str, Any] | None = None,
    query_string: str = "",
    user: str | None = None,
    host: str | None = None,
) -> str:
    """The cache key of one endpoint response.

    Args:
        endpoint: ``"Controller.method"`` (the handler's qualified name).
        method: the HTTP method; HEAD shares GET's entry.
        route_params: the matched route parameters.
        query_string: the raw query string (order does not matter).
        user: the user's identity, for endpoints that serve per-user content.
        host: the request's Host header (normalized with :func:`normalize_host`).
    """
    method = method.upper()
    if method == "HEAD":
        method = "GET"
    route = urlencode(sorted((str(k), str(v)) for k, v in (route_params or {}).items()))
    query = urlencode(sorted(parse_qsl(query_string, keep_blank_values=True)))
    tail = f"{normalize_host(host)}:{route}:{query}"
    if user is not None:
        tail += f":user={user}"
    key = f"{endpoint}:{method}:{tail}"
    if len(key) > MAX_READABLE:
        digest = hashlib.sha256(tail.encode("utf-8")).hexdigest()
        key = f"{endpoint}:{method}:sha256={digest}"
    return key


_ID_ATTRIBUTES = ("id", "pk", "user_id", "uuid", "username", "email")


def user_identity(user: Any) -> str | None:
    """A stable string that identifies ``user``, or None when none can be found.

    Tries ``id``, ``pk``, ``user_id``, ``uuid``, ``username``, ``email`` (attributes or
    mapping keys); a plain string or integer is its own identity.
    """
    if isinstance(user, str | int) and not isinstance(user, bool):
        return str(user)
    for name in _ID_ATTRIBUTES:
        value = user.get(name) if isinstance(user, Mapping) else getattr(user, name, None)
        if value is not None and not callable(value):
            return str(value)
    return None
