"""Uploaded files from multipart forms, and :func:`secure_filename` for the names clients send."""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from collections.abc import Generator
from tempfile import SpooledTemporaryFile
from typing import IO, Any

import anyio.to_thread

from surge.exceptions.http import BadRequest

__all__ = ["UploadedFile", "secure_filename"]

_SPOOL_MAX_SIZE = 1024 * 1024
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")
_WINDOWS_DEVICES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {f"{kind}{n}" for kind in ("COM", "LPT") for n in range(1, 10)}
)
_MAX_NAME = 200  # bytes; file systems allow 255


def secure_filename(filename: str) -> str:
    """A version of a client-sent file name that is safe to join to a directory.

    ASCII letters, digits, ``_``, ``.`` and ``-`` are kept (accents are stripped, path
    separators and spaces become ``_``); leading dots and underscores are dropped, so ``..``,
    ``.htaccess`` and ``../../etc/passwd`` cannot escape or hide; Windows device names get a
    ``_`` prefix. The result may be empty (``".."``, ``"???"``): choose a name then.
    """
    name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    for separator in ("/", "\\", os.sep, os.altsep):
        if separator:
            name = name.replace(separator, " ")
    name = _UNSAFE.sub("", "_".join(name.split())).strip("._")
    if name.split(".", 1)[0].upper() in _WINDOWS_DEVICES:
        name = f"_{name}"
    if len(name) > _MAX_NAME:
        stem, dot, extension = name.rpartition(".")
        name = f"{stem[: _MAX_NAME - len(extension) - 1]}.{extension}" if dot and len(extension) < 20 else name[:_MAX_NAME]
    return name


class _ReadyBytes(bytes):
    """Bytes that can also be awaited (to plain bytes): ``f.read()`` and ``await f.read()`` both work."""

    def __await__(self) -> Generator[Any, None, bytes]:
        return bytes(self)
        yield  # pragma: no cover - makes this a generator that finishes at once


class _ReadyInt(int):
    """An int that can also be awaited (to a plain int), for ``seek`` and ``save``."""

    def __await__(self) -> Generator[Any, None, int]:
        return int(self)
        yield  # pragma: no cover - makes this a generator that finishes at once


class UploadedFile:
    """A file sent in a ``multipart/form-data`` body.

    The content is spooled: kept in memory up to 1 MiB, then on disk, so large uploads
    never sit in memory whole.

    ``read``, ``seek`` and ``save`` work as PyJolt's (plain calls) and as Surge's (awaited):
    the work is done at the call and the result can be awaited too. Past the 1 MiB spool they
    touch the disk on the event loop; for a very large upload in a busy app, run the copy in a
    thread: ``await anyio.to_thread.run_sync(upload.save, path)``.
    """

    __slots__ = ("content_type", "field_name", "file", "filename", "headers", "size")

    def __init__(
        self,
        filename: str,
        content_type: str = "application/octet-stream",
        field_name: str = "",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.filename = filename
        self.content_type = content_type
        self.field_name = field_name
        self.headers = headers or {}
        self.size = 0
        self.file: IO[bytes] = SpooledTemporaryFile(max_size=_SPOOL_MAX_SIZE)  # noqa: SIM115

    def _write(self, chunk: bytes) -> None:
        self.file.write(chunk)
        self.size += len(chunk)

    def read(self, size: int = -1) -> _ReadyBytes:
        """Read ``size`` bytes (all when -1) from the current position (awaitable too)."""
        return _ReadyBytes(self.file.read(size))

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> _ReadyInt:
        """Move the read position; returns the new position (awaitable too)."""
        return _ReadyInt(self.file.seek(offset, whence))

    def save(self, destination: str | os.PathLike[str]) -> _ReadyInt:
        """Copy the whole upload to ``destination``; returns the number of bytes written (awaitable too).

        When ``destination`` is a directory, the file goes into it under
        ``secure_filename(self.filename)`` (``"upload"`` when nothing of the name is usable),
        so whatever name the client sent, it stays in that directory. A path ending with a
        hostile client name (``..``, separators, NUL: ``folder / upload.filename``) is refused.

        Raises:
            BadRequest: the path ends with a hostile client name or cannot name a file: 400,
                not a server error, and nothing is written.
        """
        name = self.filename
        path = os.fspath(destination)
        if name and path.endswith(name) and (name in (".", "..") or any(c in name for c in "/\\\x00")):
            raise BadRequest("The uploaded file's name cannot be used to save it")

        if os.path.isdir(path):
            path = os.path.join(path, secure_filename(self.filename) or "upload")
        self.file.seek(0)
        try:
            with open(path, "wb") as target:
                shutil.copyfileobj(self.file, target)
        except (ValueError, IsADirectoryError):
            raise BadRequest("The uploaded file's name cannot be used to save it") from None
        finally:
            self.file.seek(0)
        return _ReadyInt(self.size)

    async def close(self) -> None:
        """Release the spooled content."""
        await anyio.to_thread.run_sync(self.file.close)

    def __repr__(self) -> str:
        return f"UploadedFile(filename={self.filename!r}, content_type={self.content_type!r}, size={self.size})"
