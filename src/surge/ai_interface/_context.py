"""The pipeline step behind ``@ai_interface.with_chat_context``.

Like every Surge extension decorator it never wraps the handler: it attaches this step to the
endpoint spec, compiled into the endpoint's pipeline at startup. The loader may carry steps of
its own (``@db.managed_session`` records one on the function); they are compiled around the
loader here, once, the same way the app compiles an endpoint's.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

from surge.ai_interface.exceptions import ChatContextNotFound
from surge.controller.spec import CallNext, find_endpoint_spec
from surge.exceptions.config import ImproperlyConfigured

if TYPE_CHECKING:
    from surge.controller.context import CompileContext
    from surge.http.request import Request
    from surge.types import HandlerKwargs

__all__ = ["ChatContextSource", "ChatContextStep", "compile_loader"]

Loader = Callable[["Request"], Awaitable[Any]]


class ChatContextSource(Protocol):
    """What the step needs of the extension (``AiInterface``), so this module does not import it."""

    @property
    def chat_context_name(self) -> str:
        """The handler argument the loaded context is injected as."""
        ...

    def chat_context_loader(self, req: Request) -> Any:
        """Return the chat context of ``req`` (or an awaitable of it), None when there is none."""
        ...


def compile_loader(interface: ChatContextSource, ctx: CompileContext, placeholder: object) -> Loader:
    """``chat_context_loader`` with the steps its decorators recorded (sessions, ...) around it.

    ``placeholder`` is the base class's unimplemented loader: finding it means no override.

    Raises:
        ImproperlyConfigured: the interface does not implement ``chat_context_loader``.
    """
    func = inspect.getattr_static(type(interface), "chat_context_loader")
    if func is placeholder:
        raise ImproperlyConfigured(
            f"{type(interface).__name__} must implement chat_context_loader(self, req) to use with_chat_context"
        )
    bound = interface.chat_context_loader

    async def load(req: Request, kwargs: HandlerKwargs) -> Any:
        result = bound(req, **kwargs)
        if inspect.isawaitable(result):
            result = await result
        return result

    call: CallNext = load
    spec = find_endpoint_spec(func)
    for wrapper in spec.wrappers if spec is not None else ():  # bottom-up, as the app compiles them
        call = wrapper.wrap(ctx, call)
    steps = call

    async def loader(req: Request) -> Any:
        return await steps(req, {})

    return loader


class ChatContextStep:
    """Load the chat context before the handler; inject it as ``CHAT_CONTEXT_NAME`` or answer 404."""

    __slots__ = ("_func", "_interface", "_placeholder")

    def __init__(self, interface: ChatContextSource, func: Callable[..., Any], placeholder: object) -> None:
        self._interface = interface
        self._func = func
        self._placeholder = placeholder

    @property
    def provides(self) -> tuple[str, ...]:
        """The handler argument filled (``CHAT_CONTEXT_NAME``), read at startup."""
        return (self._interface.chat_context_name,)

    def wrap(self, ctx: CompileContext, call_next: CallNext) -> CallNext:
        """The step's per-request callable (built once, at startup).

        Raises:
            ImproperlyConfigured: the interface is not in this app's EXTENSIONS or has no loader.
        """
        interface = self._interface
        ctx.require_extension(interface, f"{self._func.__qualname__} via @{type(interface).__name__}.with_chat_context")
        load = compile_loader(interface, ctx, self._placeholder)
        name = interface.chat_context_name
        parameters = inspect.signature(self._func).parameters
        inject = name in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())

        async def with_chat_context(req: Request, kwargs: HandlerKwargs) -> Any:
            context = await load(req)
            if context is None:
                raise ChatContextNotFound()
            if inject:
                kwargs[name] = context
            return await call_next(req, kwargs)

        return with_chat_context
