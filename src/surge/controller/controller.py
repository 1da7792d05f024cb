"""The Controller base class."""

from __future__ import annotations

from typing import Any, Generic

from typing_extensions import TypeVar

__all__ = ["Controller", "T"]

T = TypeVar("T", bound="Controller[Any]")
"""A controller class (PyJolt's type variable of this module)."""

_AppT = TypeVar("_AppT", default=Any)
"""The application class a controller serves: ``Controller[MyApp]`` types ``self.app`` as ``MyApp``.

Unparameterized (``class Users(Controller)``, the seed's spelling), ``self.app`` is whatever
app the controller is registered with; this module sits below the application class and
cannot name it.
"""


class Controller(Generic[_AppT]):
    """Base class of HTTP controllers.

    One instance is created per app; handlers reach the app as ``self.app``. Keep request
    state on the request, never on ``self``: one instance serves concurrent requests.
    """

    def __init__(self, app: _AppT) -> None:
        self._app = app

    @property
    def app(self) -> _AppT:
        """The application this controller is registered with."""
        return self._app
