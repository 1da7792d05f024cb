"""Uploaded files from multipart forms."""

from __future__ import annotations

import os
import shutil
from tempfile import SpooledTemporaryFile
from typing import IO

import anyio.to_thread

__all__ = ["UploadedFile"]

_SPOOL_MAX_SIZE = 1024 * 1024


class UploadedFile:
    """A file sent in a ``multipart/form-data`` body.

    The content is spooled: kept in memory up to 1 MiB, then on disk, so large uploads
    never sit in memory whole.
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

    async def read(self, size: int = -1) -> bytes:
        """Read ``size`` bytes (all when -1) from the current position."""
        return await anyio.to_thread.run_sync(self.file.read, size)

    async def seek(self, offset: int) -> None:
        """Move the read position."""
        await anyio.to_thread.run_sync(self.file.seek, offset)

    async def save(self, destination: str | os.PathLike[str]) -> int:
        """Copy the whole upload to ``destination``; returns the number of bytes written."""

        def _copy() -> int:
            self.file.seek(0)
            with open(destination, "wb") as target:
                shutil.copyfileobj(self.file, target)
            self.file.seek(0)
            return self.size

        return await anyio.to_thread.run_sync(_copy)

    async def close(self) -> None:
        """Release the spooled content."""
        await anyio.to_thread.run_sync(self.file.close)

    def __repr__(self) -> str:
        return f"UploadedFile(filename={self.filename!r}, content_type={self.content_type!r}, size={self.size})"
