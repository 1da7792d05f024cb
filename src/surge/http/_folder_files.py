"""The app's two file folders: ``STATIC_DIR`` (served at ``STATIC_URL``) and ``MEDIA_DIR`` (at ``MEDIA_URL``).

Atila spells the URL of a file ``was.static("img/logo.png")`` and its response
``was.Static("img/logo.png")``; Surge has ``static_url(config, path)`` (the template global
``static(...)``) and ``req.response.static(path)``, and the same pair for media.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Literal, Self
from urllib.parse import quote

from surge.exceptions.http import NotFound

if TYPE_CHECKING:
    from surge.types import ConfigContext, Connection

__all__ = ["Folder", "FolderFiles", "folder_path", "folder_url", "safe_join"]

Folder = Literal["STATIC", "MEDIA"]
"""Which folder: the config keys are ``<folder>_DIR`` and ``<folder>_URL``."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_join(directory: str, filename: str) -> str | None:
    """The real path of ``filename`` inside ``directory``, or None if it would escape it.

    A name with a control character (NUL, CR, LF, ...) is None too: no file has one worth
    serving, and NUL would make the filesystem calls raise. A name ending in a slash names a
    directory, so it is None too (``realpath`` would drop the slash and find a file).
    """
    if _CONTROL.search(filename) or filename.endswith(("/", "\\")):
        return None
    root = os.path.realpath(directory)
    candidate = os.path.realpath(os.path.join(root, filename.lstrip("/\\")))
    if candidate != root and not candidate.startswith(root + os.sep):
        return None
    return candidate


def folder_path(config: ConfigContext, folder: Folder) -> str:
    """The absolute path of the folder (``<folder>_DIR`` under ``BASE_PATH``)."""
    base = os.path.abspath(config.get_conf("BASE_PATH", "."))
    return os.path.join(base, str(config.get_conf(f"{folder}_DIR")).strip("/\\"))


def folder_url(config: ConfigContext, folder: Folder, path: str) -> str:
    """The URL of the file ``path`` in the folder: ``static_url("img/logo.png")`` -> ``/static/img/logo.png``."""
    prefix = str(config.get_conf(f"{folder}_URL")).rstrip("/")
    return f"{prefix}/{quote(path.lstrip('/'))}"


class FolderFiles:
    """``req.response.static(path)`` / ``req.response.media(path)``: a file of the app's folders.

    A mixin of :class:`~surge.http.response.Response` (over its slots).
    """

    __slots__ = ()

    if TYPE_CHECKING:
        request: Connection | None

        def send_file(
            self,
            body: str | os.PathLike[str] | bytes,
            headers: dict[str, str] | None = None,
            filename: str | None = None,
            media_type: str | None = None,
            as_attachment: bool = False,
        ) -> Self: ...

    def static(self, path: str, *, as_attachment: bool = False) -> Self:
        """Send the file ``path`` of ``STATIC_DIR`` (Atila's ``was.Static``).

        Raises:
            NotFound: no such file in the folder (or the path leaves it).
        """
        return self._folder_file("STATIC", path, as_attachment)

    def media(self, path: str, *, as_attachment: bool = False) -> Self:
        """Send the file ``path`` of ``MEDIA_DIR`` (Atila's ``was.Media``).

        Raises:
            NotFound: no such file in the folder (or the path leaves it).
        """
        return self._folder_file("MEDIA", path, as_attachment)

    def _folder_file(self, folder: Folder, path: str, as_attachment: bool) -> Self:
        assert self.request is not None, f"response.{folder.lower()}() needs the response of a request"
        found = safe_join(folder_path(self.request.app, folder), path)
        if found is None or not os.path.isfile(found):
            raise NotFound(f"{folder.title()} file {path!r} not found")
        return self.send_file(found, as_attachment=as_attachment)
