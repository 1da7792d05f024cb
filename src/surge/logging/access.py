"""Access-log lines that a client cannot forge.

The path of a request is percent-decoded by the server, so ``/a%0a12:00:00 | INFO | admin
logged in`` reaches the log as two lines, the second one of the client's making. Every
control character (C0, DEL, C1, U+2028, U+2029) is written as a visible escape instead, and
so is the backslash, so an escape in the log always means the client sent that byte.
"""

from __future__ import annotations

import re

__all__ = ["access_line", "escape_control"]

_CONTROL = re.compile("[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\\\]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_control(text: str) -> str:
    """``text`` with control characters and backslashes escaped (``\\n``, ``\\x1b``, ``\\u2028``)."""
    # PERF: the common clean path costs one regex search, no new string.
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub(_escape, text)


def access_line(method: str, path: str, status: int, elapsed_ms: float) -> str:
    """One access-log line: ``GET /path 200 1.2ms``, with the client's parts escaped."""
    return f"{escape_control(method)} {escape_control(path)} {status} {elapsed_ms:.1f}ms"
