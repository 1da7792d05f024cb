"""PyJolt's runtime errors: mistakes in how an application is put together.

Each is a :class:`~surge.exceptions.ImproperlyConfigured` (so a :class:`SurgeError`) and, as in
PyJolt, a :class:`CustomException`: ``except`` with either Surge's or PyJolt's class catches it.
Each keeps its text on ``message``.
"""

from __future__ import annotations

from surge.exceptions.config import ImproperlyConfigured
from surge.exceptions.http import CustomException

__all__ = [
    "CustomException",
    "DuplicateExceptionHandler",
    "DuplicateRoutePath",
    "InvalidRouteHandler",
    "InvalidWebsocketHandler",
    "Jinja2NotInitilized",
    "MethodNotControllerMethod",
    "MissingDecoratorError",
    "MissingDependencyInjectionMethod",
    "MissingExtension",
    "MissingResponseObject",
    "MissingRouterInstance",
    "RuntimeSetupError",
    "UnexpectedDecorator",
]


class RuntimeSetupError(CustomException, ImproperlyConfigured):
    """Base of the errors below: the message is kept on ``message`` as well as in ``str(exc)``."""

    default_message = "The application is set up wrongly"

    def __init__(self, message: str | None = None) -> None:
        self.message = message if message is not None else self.default_message
        super().__init__(self.message)


class MethodNotControllerMethod(RuntimeSetupError):
    """A controller decorator was put on a function that is not a method of a controller."""


class UnexpectedDecorator(RuntimeSetupError):
    """A decorator was used where it has no meaning."""


class MissingDecoratorError(RuntimeSetupError):
    """A decorator that another one needs is missing."""


class DuplicateRoutePath(RuntimeSetupError):
    """Two endpoints claim the same method and path."""


class DuplicateExceptionHandler(RuntimeSetupError):
    """Two handlers are registered for the same exception."""


class Jinja2NotInitilized(RuntimeSetupError):  # noqa: N801 - PyJolt's spelling, kept for ported code
    """A template was rendered before the template engine exists."""

    default_message = "The Jinja2 template engine is not initialized"


class MissingExtension(RuntimeSetupError):
    """An extension the code asks for is not registered on the application (by its name)."""

    def __init__(self, ext_name: str) -> None:
        self.ext_name = ext_name
        super().__init__(
            f"Extension with name {ext_name!r} not found on the application: list it in EXTENSIONS"
        )


class MissingDependencyInjectionMethod(RuntimeSetupError):
    """Nothing provides a value of the type a handler asks to be injected."""

    def __init__(self, injectable: type | str) -> None:
        self.injectable = injectable
        name = (
            injectable if isinstance(injectable, str) else getattr(injectable, "__name__", repr(injectable))
        )
        super().__init__(
            f"No dependency provider for {name}: register one (DEPENDENCIES or app.add_dependency)"
        )


class MissingResponseObject(RuntimeSetupError):
    """A route handler returned something that is not a Response."""

    default_message = "A route handler must return a surge.Response"


class MissingRouterInstance(RuntimeSetupError):
    """A controller class is used as one without its ``@path`` decorator."""

    default_message = "The controller has no route prefix: decorate it with @path(...)"


class InvalidRouteHandler(RuntimeSetupError):
    """A method registered as a route handler is not one (no HTTP method decorator)."""

    default_message = "Not a route handler: decorate it with @get, @post, @put, @patch or @delete"


class InvalidWebsocketHandler(RuntimeSetupError):
    """A method registered as a websocket handler is not one (no ``@socket`` decorator)."""

    default_message = "Not a websocket handler: decorate it with @socket"
