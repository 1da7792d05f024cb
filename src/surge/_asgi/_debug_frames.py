"""Traceback frames for the DEBUG page: whose code each frame is, its source and its locals.

Only the DEBUG page uses this, after an endpoint raised, so none of it is on the hot path.
Everything a frame shows goes through :class:`Redactor` first: a debug page gets
screenshotted and pasted into tickets, so values that look like credentials never reach it.
"""

from __future__ import annotations

import builtins
import linecache
import os
import re
import reprlib
import sysconfig
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from surge.config import BaseConfig

__all__ = ["MASK", "FrameView", "Redactor", "frame_views", "is_library_file"]

MASK = "********"

CONTEXT_LINES = 3
"""Source lines shown before and after the line of each frame."""
MAX_LOCALS = 40
"""Local variables shown per frame (the rest are counted, not shown)."""
MAX_FRAMES_WITH_LOCALS = 30
"""Innermost frames whose locals are shown: deep recursion must not make a page of megabytes."""

# A name like these holds a credential: its value is masked wherever it appears by name.
SECRET_NAME = re.compile(
    r"passw(or)?d|passphrase|secret|token|api[-_]?key|private[-_]?key|credential|authorization|cookie|signature|salt",
    re.IGNORECASE,
)
_URL_PASSWORD = re.compile(r"://[^:/@\s]+:([^@/\s]+)@")


def _library_roots() -> tuple[str, ...]:
    """Folders whose files are not the user's: Surge's own package, the stdlib, site-packages."""
    paths = sysconfig.get_paths()
    roots = {str(Path(__file__).resolve().parent.parent)}
    roots.update(paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib") if paths.get(key))
    return tuple(os.path.normcase(os.path.abspath(root)) + os.sep for root in roots)


_LIBRARY_ROOTS = _library_roots()


def is_library_file(filename: str) -> bool:
    """True for framework and library code: Surge, site-packages, the stdlib, generated code."""
    if filename.startswith("<"):  # "<frozen ...>", compiled handler steps, exec'd strings
        return True
    normalized = os.path.normcase(os.path.abspath(filename))
    parts = Path(normalized).parts
    if "site-packages" in parts or "dist-packages" in parts:
        return True
    return normalized.startswith(_LIBRARY_ROOTS)


class Redactor(reprlib.Repr):
    """A size-capped ``repr`` that masks credentials: by variable or key name, and by value.

    ``secrets`` are strings known to be secret (the app's ``SECRET_KEY``, a database URL's
    password); they are replaced before any truncation, so a cut never leaves half of one.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.maxlevel = 3
        self.maxstring = self.maxother = 240
        self.maxlist = self.maxtuple = self.maxset = self.maxfrozenset = self.maxdeque = self.maxarray = 12
        self.maxdict = 12
        self.secrets = sorted({value for value in secrets if len(value) >= 4}, key=len, reverse=True)

    @classmethod
    def for_config(cls, config: Mapping[str, Any], extra: Iterable[str] = ()) -> Redactor:
        """A redactor that knows the secret values of an app's configuration (nested sections too)."""
        found = list(extra)
        _collect_secrets(config, found, secret=False)
        return cls(found)

    def scrub(self, text: str) -> str:
        """``text`` with every known secret replaced by the mask."""
        for value in self.secrets:
            if value in text:
                text = text.replace(value, MASK)
        return text

    def value(self, name: str, value: object) -> str:
        """What the page shows for ``name = value``."""
        if SECRET_NAME.search(name):
            return MASK
        return self.repr(value)

    def _cut(self, text: str, limit: int) -> str:
        text = self.scrub(text)
        if len(text) <= limit:
            return text
        half = max(0, (limit - 3) // 2)
        return text[:half] + "..." + text[len(text) - half :]

    def repr_str(self, x: str, level: int) -> str:
        return self._cut(builtins.repr(self.scrub(x)), self.maxstring)

    def repr_instance(self, x: object, level: int) -> str:
        if isinstance(x, BaseConfig):  # every setting, secrets included: never on the page
            return f"<{type(x).__qualname__}: settings hidden>"
        try:
            text = builtins.repr(x)
        except Exception as exc:  # a broken __repr__ must not break the page that reports a bug
            return f"<{type(x).__qualname__} (repr failed: {type(exc).__name__})>"
        return self._cut(text, self.maxother)

    def repr_dict(self, x: dict[Any, Any], level: int) -> str:
        if not x:
            return "{}"
        if level <= 0:
            return "{" + self.fillvalue + "}"
        pieces = []
        for index, (key, item) in enumerate(x.items()):
            if index == self.maxdict:
                pieces.append(self.fillvalue)
                break
            masked = isinstance(key, str) and SECRET_NAME.search(key)
            pieces.append(f"{self.repr1(key, level - 1)}: {MASK if masked else self.repr1(item, level - 1)}")
        return "{" + ", ".join(pieces) + "}"


def _collect_secrets(value: object, found: list[str], *, secret: bool) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            _collect_secrets(
                item, found, secret=secret or bool(SECRET_NAME.search(str(key))) or str(key) == "KEY"
            )
    elif isinstance(value, (list, tuple)):
        for item in value:
            _collect_secrets(item, found, secret=secret)
    elif isinstance(value, str):
        if secret:
            found.append(value)
        found.extend(match.group(1) for match in _URL_PASSWORD.finditer(value))
    elif secret and value is not None and hasattr(value, "get_secret_value"):
        found.append(str(value.get_secret_value()))


@dataclass(frozen=True, slots=True)
class FrameView:
    """One traceback frame as the page shows it.

    Attributes:
        context: ``(line number, source text)`` around ``lineno``, the failing line included.
        locals: ``(name, redacted repr)``; empty when not collected.
        hidden_locals: how many locals were left out past :data:`MAX_LOCALS`.
    """

    filename: str
    lineno: int
    function: str
    library: bool
    context: tuple[tuple[int, str], ...]
    locals: tuple[tuple[str, str], ...]
    hidden_locals: int = 0


def _context(filename: str, lineno: int, frame: FrameType) -> tuple[tuple[int, str], ...]:
    lines = linecache.getlines(filename, frame.f_globals)
    if not lines or lineno < 1:
        return ()
    first = max(1, lineno - CONTEXT_LINES)
    last = min(len(lines), lineno + CONTEXT_LINES)
    return tuple((number, lines[number - 1].rstrip("\r\n")) for number in range(first, last + 1))


def _locals(frame: FrameType, redactor: Redactor) -> tuple[tuple[tuple[str, str], ...], int]:
    names = sorted(frame.f_locals.items(), key=lambda item: item[0])
    shown = tuple((name, redactor.value(name, value)) for name, value in names[:MAX_LOCALS])
    return shown, max(0, len(names) - MAX_LOCALS)


def frame_views(exc: BaseException, redactor: Redactor, *, with_locals: bool) -> list[FrameView]:
    """The frames of ``exc``'s traceback, outermost first, each with its source and locals."""
    walked = list(traceback.walk_tb(exc.__traceback__))
    first_with_locals = len(walked) - MAX_FRAMES_WITH_LOCALS
    views = []
    for index, (frame, lineno) in enumerate(walked):
        filename = frame.f_code.co_filename
        shown: tuple[tuple[str, str], ...] = ()
        hidden = 0
        if with_locals and index >= first_with_locals:
            shown, hidden = _locals(frame, redactor)
        views.append(
            FrameView(
                filename=filename,
                lineno=lineno,
                function=frame.f_code.co_qualname,
                library=is_library_file(filename),
                context=_context(filename, lineno, frame),
                locals=shown,
                hidden_locals=hidden,
            )
        )
    return views
