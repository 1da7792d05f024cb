"""Paths of the file explorer: every path a request names must stay inside the folder."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import unquote

from surge.admin._errors import AdminBadRequest

_DRIVE = re.compile(r"^[a-zA-Z]:")


@dataclass(frozen=True)
class Entry:
    """One file or folder of a listing."""

    name: str
    path: str
    is_dir: bool
    size: int
    modified: datetime


def resolve(root: str, relative: str) -> str:
    """``relative`` joined to ``root`` (a real path), once its real path is known to stay inside.

    Raises:
        AdminBadRequest: ``relative`` is absolute, holds ``..`` (also percent-encoded) or a NUL,
            or resolves (through a symlink) outside ``root``.
    """
    text = relative.replace("\\", "/")
    decoded = unquote(unquote(text)).replace("\\", "/")
    if "\x00" in decoded or text.startswith("/") or decoded.startswith("/") or _DRIVE.match(decoded):
        raise AdminBadRequest(f"{relative!r} is not a path inside the file folder")
    if ".." in decoded.split("/"):
        raise AdminBadRequest(f"{relative!r} leaves the file folder")
    parts = [part for part in text.split("/") if part not in ("", ".")]
    joined = os.path.join(root, *parts)
    real = os.path.realpath(joined)
    if real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
        raise AdminBadRequest(f"{relative!r} leads outside the file folder")
    return joined


def relative_to(root: str, path: str) -> str:
    """``path`` (inside ``root``) as a ``/``-separated path relative to it ("" for the root)."""
    rel = os.path.relpath(path, root)
    return "" if rel == "." else rel.replace(os.sep, "/")


def check_name(name: str) -> str:
    """``name`` when it is a plain file name (no separator, not ``.``/``..``, no control character).

    Raises:
        AdminBadRequest: it is not.
    """
    name = name.strip()
    if not name or name in (".", "..") or "/" in name or "\\" in name or len(name) > 255 or any(ord(c) < 32 for c in name):
        raise AdminBadRequest(f"{name!r} is not a valid file name")
    return name


def listing(root: str, folder: str) -> list[Entry]:
    """The entries of ``folder``, folders first; links leading outside ``root`` are left out."""
    entries: list[Entry] = []
    prefix = root.rstrip(os.sep) + os.sep
    with os.scandir(folder) as found:
        for item in found:
            real = os.path.realpath(item.path)
            if not real.startswith(prefix) or not os.path.exists(real):
                continue
            info = os.stat(real)
            is_dir = stat.S_ISDIR(info.st_mode)
            modified = datetime.fromtimestamp(info.st_mtime, tz=UTC)
            entries.append(Entry(item.name, relative_to(root, item.path), is_dir, 0 if is_dir else info.st_size, modified))
    return sorted(entries, key=lambda entry: (not entry.is_dir, entry.name.lower()))
