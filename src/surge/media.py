"""The second file folder: ``MEDIA_DIR`` served at ``MEDIA_URL`` by the ``Media`` controller.

Static files ship with the code; media are what the app stores at run time (uploads). The app
registers ``Media`` when the folder exists, as it does ``Static``.
"""

from __future__ import annotations

from surge.controller.controller import Controller
from surge.controller.decorators import get
from surge.http.request import Request
from surge.http.response import Response

__all__ = ["Media"]


class Media(Controller):
    """Serves ``MEDIA_DIR`` at ``MEDIA_URL``; build URLs with ``url_for("Media.get", filename=...)``."""

    @get("/<path:filename>", open_api_spec=False)
    async def get(self, req: Request, filename: str) -> Response:
        """Send one media file (404 for anything outside the folder, or a directory-like path)."""
        if req.path.endswith("/"):
            return req.response.media(filename + "/")  # a trailing slash names no file: 404
        return req.response.media(filename)
