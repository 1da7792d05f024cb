"""The vocabulary every layer shares: ASGI types, pipeline shapes, what lower layers need of the app.

Nothing here imports the rest of Surge, so any module may import it. The pipeline aliases are
generic in the request and response types so that this module needs neither: the HTTP layer
spells them out (``surge.controller.spec.CallNext`` is ``PipelineStep[Request]``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from loguru import Logger

__all__ = [
    "ASGIApp",
    "AppContext",
    "ConfigContext",
    "Connection",
    "Endpoint",
    "ExtensionHost",
    "HandlerKwargs",
    "Message",
    "PipelineStep",
    "Receive",
    "Scope",
    "Send",
    "TemplateRenderer",
]

Scope = MutableMapping[str, Any]
"""The ASGI connection scope (``type``, ``path``, ``headers``, ...)."""

Message = MutableMapping[str, Any]
"""One ASGI event (``http.request``, ``http.response.start``, ...)."""

Receive = Callable[[], Awaitable[Message]]
"""The ASGI ``receive`` callable."""

Send = Callable[[Message], Awaitable[None]]
"""The ASGI ``send`` callable."""

ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
"""Any ASGI application."""

RequestT = TypeVar("RequestT", contravariant=True)
ResponseT = TypeVar("ResponseT", covariant=True)

HandlerKwargs = dict[str, Any]
"""The keyword arguments of a handler, filled in by the pipeline steps as a request passes."""

Endpoint = Callable[[RequestT], Awaitable[ResponseT]]
"""A compiled endpoint, a middleware chain or the error path: request in, response out."""

PipelineStep = Callable[[RequestT, HandlerKwargs], Awaitable[Any]]
"""The rest of an endpoint's pipeline: the request and the handler kwargs built so far."""


class TemplateRenderer(Protocol):
    """Renders the app's Jinja2 templates (``surge.templating.Templates``)."""

    async def render(self, template_path: str, context: dict[str, Any], request: Any = None) -> str: ...

    async def render_string(self, source: str, context: dict[str, Any], request: Any = None) -> str: ...


class ConfigContext(Protocol):
    """What config readers (extensions' sections, CORS, templates) need from the app."""

    @property
    def debug(self) -> bool: ...

    def get_conf(self, config_name: str, default: Any = ...) -> Any: ...


class ExtensionHost(Protocol):
    """Anything that holds an app's extensions by name (the app, a compile context)."""

    @property
    def extensions(self) -> Mapping[str, object]: ...


class AppContext(ConfigContext, ExtensionHost, Protocol):
    """What the HTTP objects and the compiled pipeline need from the app, and nothing more.

    The application class satisfies it; lower layers type against it so they never import
    the application (and tests can hand them a small stand-in).
    """

    @property
    def logger(self) -> Logger: ...

    @property
    def templates(self) -> TemplateRenderer: ...

    @property
    def max_content_length(self) -> int: ...

    def url_for(self, endpoint: str, **values: Any) -> str: ...


class Connection(Protocol):
    """What a response needs of the request it answers (``surge.Request`` is one)."""

    @property
    def app(self) -> AppContext: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    @property
    def method(self) -> str: ...

    async def receive(self) -> Message: ...

    async def send(self, message: Message) -> None: ...
