"""The Controller base class."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from surge.app import Surge

__all__ = ["Controller"]


class Controller:
    """Base class of HTTP controllers.

    One instance is created per app; handlers reach the app as ``self.app``. Keep request
    state on the request, never on ``self``: one instance serves concurrent requests.
    """

    def __init__(self, app: Surge) -> None:
        self._app = app

    @property
    def app(self) -> Surge:
        """The application this controller is registered with."""
        return self._app
