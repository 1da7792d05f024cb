"""``surge.utilities``: PyJolt's helper functions (names, imports, sync/async calls, files)."""

from __future__ import annotations

import asyncio
import base64
import functools
import importlib
import importlib.util
import inspect
import mimetypes
import os
import re
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import anyio

from surge.exceptions.http_exceptions import RangeNotSatisfiable, StaticAssetNotFound
from surge.http.response import Response

__all__ = [
    "base64_to_bytes",
    "fs_safe_join",
    "get_app_root_path",
    "get_file",
    "get_range_file",
    "import_module",
    "run_in_background",
    "run_sync_or_async",
    "to_kebab_case",
    "to_upper_snake_case",
]

P = ParamSpec("P")
R = TypeVar("R")
ResponseT = TypeVar("ResponseT", bound=Response[Any])

_NOT_ALNUM = re.compile(r"[^a-zA-Z0-9]+")
_BEFORE_CAPITAL = re.compile(r"(?<!^)(?=[A-Z])")
_RANGE = re.compile(r"bytes=(\d+)-(\d*)")
_RANGE_CHUNK = 64 * 1024


def to_kebab_case(text: str) -> str:
    """``"Hello World_Again"`` -> ``"hello-world-again"`` (every run of other characters is one dash)."""
    return "-".join(_NOT_ALNUM.sub(" ", text).split()).lower()


def to_upper_snake_case(name: str) -> str:
    """``"CacheBackend"`` -> ``"CACHE_BACKEND"``: an underscore before every capital but the first."""
    return _BEFORE_CAPITAL.sub("_", name).upper()


def import_module(import_string: str) -> Any:
    """The object named by ``"package.module:attribute"``.

    Raises:
        ValueError: the string has no single ``:``. ImportError: the module cannot be imported.
        AttributeError: the module has no such attribute.
    """
    module_path, separator, attribute = import_string.partition(":")
    if not separator or not module_path or not attribute or ":" in attribute:
        raise ValueError(f"{import_string!r} is not a 'package.module:attribute' import string")
    return getattr(importlib.import_module(module_path), attribute)


def get_app_root_path(import_name: str) -> str:
    """The folder of the module ``import_name`` (an app's ``__name__``), else the working directory."""
    module = sys.modules.get(import_name)
    module_file = getattr(module, "__file__", None) if module is not None else None
    if module_file:
        return os.path.dirname(os.path.abspath(module_file))
    if import_name == "__main__":
        return os.getcwd()
    try:
        spec = importlib.util.find_spec(import_name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin or not os.path.exists(spec.origin):
        return os.getcwd()
    return os.path.dirname(os.path.abspath(spec.origin))


async def run_sync_or_async(
    func: Callable[P, Awaitable[R]] | Callable[P, R], *args: P.args, **kwargs: P.kwargs
) -> R:
    """Await ``func`` when it is a coroutine function; else run it in a worker thread, off the event loop."""
    if inspect.iscoroutinefunction(func):
        result: R = await func(*args, **kwargs)
        return result
    return await asyncio.to_thread(functools.partial(func, *args, **kwargs))  # type: ignore[arg-type]


def run_in_background(
    func: Callable[P, Awaitable[R]] | Callable[P, R], *args: P.args, **kwargs: P.kwargs
) -> asyncio.Task[R] | asyncio.Future[R]:
    """Start ``func`` without waiting for it (an e-mail, a slow call); returns its task or future.

    A coroutine function becomes a task on the running loop; a plain function runs in the
    default thread pool. Needs a running event loop.
    """
    loop = asyncio.get_running_loop()
    if inspect.iscoroutinefunction(func):
        return loop.create_task(func(*args, **kwargs))
    return loop.run_in_executor(None, functools.partial(func, *args, **kwargs))  # type: ignore[arg-type]


async def get_file(
    path: str | os.PathLike[str], filename: str | None = None, content_type: str | None = None
) -> tuple[int, dict[str, str], bytes]:
    """Read a whole file: ``(200, headers, content)``.

    ``Content-Type`` is ``content_type``, else guessed from the path; a ``filename`` adds
    ``Content-Disposition: attachment``.

    Raises:
        StaticAssetNotFound: the file does not exist (404).
    """
    guessed, _ = mimetypes.guess_type(os.fspath(path))
    headers = {"Content-Type": content_type or guessed or "application/octet-stream"}
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    try:
        data = await anyio.Path(path).read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise StaticAssetNotFound() from None
    return 200, headers, data


def _byte_range(range_header: str | None, total: int) -> tuple[int, int] | None:
    """``(start, end)`` (inclusive) asked by ``range_header``; None when it asks for no range."""
    match = _RANGE.match(range_header or "")
    if match is None:
        return None
    start = int(match.group(1))
    end = min(int(match.group(2)), total - 1) if match.group(2) else total - 1
    if start > end:
        raise RangeNotSatisfiable(total)
    return start, end


async def _read_range(path: str, start: int, length: int) -> AsyncIterator[bytes]:
    async with await anyio.open_file(path, "rb") as handle:
        await handle.seek(start)
        remaining = length
        while remaining > 0:
            chunk = await handle.read(min(_RANGE_CHUNK, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk


async def get_range_file(
    res: ResponseT, file_path: str, range_header: str | None, content_type: str
) -> ResponseT:
    """Fill ``res`` with the part of ``file_path`` that ``range_header`` (``bytes=start-[end]``) asks for.

    206 with ``Content-Range`` for a range, else 200 with the whole file; always
    ``Accept-Ranges: bytes``. The bytes are streamed when the response is sent (video,
    large downloads), never read here.

    Raises:
        StaticAssetNotFound: the file does not exist (404).
        RangeNotSatisfiable: the range starts past the end of the file (416).
    """
    try:
        st = await anyio.Path(file_path).stat()
    except (FileNotFoundError, NotADirectoryError):
        raise StaticAssetNotFound() from None
    total = st.st_size
    wanted = _byte_range(range_header, total)
    start, end = wanted if wanted is not None else (0, total - 1)
    length = max(end - start + 1, 0)
    res.status(206 if wanted is not None else 200)
    res.headers.update(
        {
            "Content-Type": content_type,
            "Accept-Ranges": "bytes",
            "Content-Length": str(length),
            "Cache-Control": "public, max-age=300",
            "ETag": f'"{int(st.st_mtime)}-{length}"',
        }
    )
    if wanted is not None:
        res.headers["Content-Range"] = f"bytes {start}-{end}/{total}"
    return res.stream(_read_range(file_path, start, length), content_type)


def base64_to_bytes(b64_string: str) -> bytes:
    """Decode base64 text, or the payload of a ``data:...;base64,`` URL."""
    data = b64_string.split(",", 1)[1] if b64_string.startswith("data:") else b64_string
    return base64.b64decode(data)


def fs_safe_join(base: Path | str, *paths: str) -> Path:
    """``base`` joined with ``paths``, resolved; refused when the result leaves ``base``.

    Raises:
        FileNotFoundError: the joined path escapes ``base`` (``..``, an absolute part, a symlink).
    """
    root = Path(base).resolve()
    candidate = root.joinpath(*paths).resolve()
    if not candidate.is_relative_to(root):
        raise FileNotFoundError(f"Path traversal detected: {os.path.join(*paths)!r} leaves {str(root)!r}")
    return candidate
