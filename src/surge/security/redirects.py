"""Open-redirect protection: is a client-supplied redirect target (``?next=``) safe to follow?

Browsers are lenient: ``/\\evil.example``, ``/<TAB>/evil.example`` and ``//evil.example`` all
lead off-site, and CR/LF in a ``Location`` header would split the response. Only relative
paths and URLs on an allowed host pass.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from surge.http.request import Request

__all__ = ["login_redirect_target", "safe_redirect_target", "url_is_safe"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _hosts(allowed_hosts: Iterable[str] | str | None) -> frozenset[str]:
    if allowed_hosts is None:
        return frozenset()
    if isinstance(allowed_hosts, str):
        allowed_hosts = (allowed_hosts,)
    return frozenset(host.lower() for host in allowed_hosts if host)


def _allowed(url: str, hosts: frozenset[str], require_https: bool) -> bool:
    if url.startswith("///"):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return False
    if not parts.netloc and parts.scheme:  # "http:///evil.example", "javascript:..."
        return False
    if unicodedata.category(url[0])[0] == "C":
        return False
    scheme = parts.scheme.lower()
    if scheme and scheme not in (("https",) if require_https else ("http", "https")):
        return False
    return not parts.netloc or parts.netloc.lower() in hosts


def url_is_safe(target: str | None, allowed_hosts: Iterable[str] | str | None = None, require_https: bool = False) -> bool:
    """True when ``target`` stays on this site (a relative path) or on one of ``allowed_hosts``.

    Refused: empty targets, any control character (CR, LF, TAB, NUL...), scheme-relative
    ``//host`` and ``/\\host`` forms, other schemes (``javascript:``), and absolute URLs to
    hosts not in ``allowed_hosts`` (``host`` or ``host:port``, compared case-insensitively).
    ``require_https`` also refuses absolute ``http://`` URLs.
    """
    if not target or _CONTROL.search(target):
        return False
    target = target.strip()
    if not target:
        return False
    hosts = _hosts(allowed_hosts)
    # Browsers read "\" as "/": the target must be safe both ways.
    return _allowed(target, hosts, require_https) and _allowed(target.replace("\\", "/"), hosts, require_https)


def safe_redirect_target(
    target: str | None,
    allowed_hosts: Iterable[str] | str | None = None,
    default: str = "/",
    require_https: bool = False,
) -> str:
    """``target`` when :func:`url_is_safe` accepts it, else ``default``."""
    return target.strip() if target is not None and url_is_safe(target, allowed_hosts, require_https) else default


def login_redirect_target(req: Request, default: str = "/", field: str = "next") -> str:
    """Where to send the user after logging in: the request's ``?next=`` when safe, else ``default``.

    The request's own host is allowed; a request over HTTPS only accepts HTTPS targets.
    """
    host = req.headers.get("host", "")
    https = req.scope.get("scheme") == "https"
    return safe_redirect_target(req.query_params.get(field), (host,) if host else (), default, https)
