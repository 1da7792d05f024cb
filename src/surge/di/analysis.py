"""Provider analysis, done once per provider at startup: its kind, parameters and product.

Public because the endpoint compiler keeps the :class:`ParamSpec` of each injected handler
parameter between claiming it and planning it.
"""

from __future__ import annotations

import collections.abc
import enum
import functools
import inspect
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Union, get_args, get_origin, get_type_hints

from surge.di.markers import Depends, FromConfig, FromExtension, FromHeader, provider_options
from surge.exceptions.config import ImproperlyConfigured

__all__ = ["Marker", "Mode", "ParamSpec", "Provider", "ProviderSpec", "analyze_provider", "label_of", "param_spec", "strip"]

Marker = Depends | FromConfig | FromHeader | FromExtension
"""What a parameter's annotation (or default) says about where its value comes from."""

Provider = Callable[..., Any]
"""A dependency provider: a function, async function, (async) generator function or class."""

_MARKERS = (Depends, FromConfig, FromHeader, FromExtension)


class Mode(enum.IntEnum):
    """How a provider is called and torn down."""

    VALUE = 0  # plain function or class: the return value
    AWAIT = 1  # async function: the awaited result
    GENERATOR = 2  # generator: the yielded value, resumed at teardown
    ASYNC_GENERATOR = 3  # async generator: the yielded value, resumed at teardown


@dataclass(slots=True, frozen=True)
class ParamSpec:
    """One parameter of a provider (or an injected handler parameter)."""

    name: str
    annotation: Any  # as written, with Annotated metadata
    bare: Any  # without Annotated and Optional
    default: Any  # inspect.Parameter.empty when required
    marker: Marker | None

    @property
    def required(self) -> bool:
        """True when the parameter has no default."""
        return self.default is inspect.Parameter.empty


@dataclass(slots=True, frozen=True)
class ProviderSpec:
    """What a provider needs and how to call it."""

    func: Provider
    label: str
    mode: Mode
    params: tuple[ParamSpec, ...]
    provides: Any  # the type it produces (None when it cannot tell)


def label_of(func: object) -> str:
    """A readable name for error messages: ``module.qualname`` shortened to ``qualname``."""
    return str(getattr(func, "__qualname__", None) or getattr(func, "__name__", None) or repr(func))


def strip(annotation: Any) -> Any:
    """``annotation`` without ``Annotated[...]`` and ``Optional[...]`` wrappers."""
    if get_origin(annotation) is typing.Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (Union, types.UnionType):
        args = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(args) == 1:
            return strip(args[0])
    return annotation


def _marker(annotation: Any, default: Any) -> Marker | None:
    if isinstance(default, _MARKERS):
        return default
    if get_origin(annotation) is typing.Annotated:
        for meta in reversed(get_args(annotation)[1:]):
            if isinstance(meta, _MARKERS):
                return meta
    return None


def param_spec(name: str, annotation: Any, default: Any) -> ParamSpec:
    """Describe one parameter; a marker given as the default (``= Depends(f)``) counts too."""
    marker = _marker(annotation, default)
    if isinstance(default, _MARKERS):
        default = inspect.Parameter.empty
    return ParamSpec(name, annotation, strip(annotation), default, marker)


def _callable_target(func: Provider) -> Provider:
    """The function behind ``func``: itself, or the ``__call__`` method of a callable object."""
    if isinstance(func, functools.partial):
        return func.func
    if inspect.isroutine(func) or isinstance(func, type):
        return func
    method: Provider = type(func).__call__.__get__(func)  # a callable object: its bound __call__
    return method


def _mode(func: Provider) -> Mode:
    target = _callable_target(func)
    if isinstance(func, type):
        return Mode.VALUE
    if inspect.isasyncgenfunction(target) or inspect.isasyncgenfunction(func):
        return Mode.ASYNC_GENERATOR
    if inspect.isgeneratorfunction(target) or inspect.isgeneratorfunction(func):
        return Mode.GENERATOR
    if inspect.iscoroutinefunction(target) or inspect.iscoroutinefunction(func):
        return Mode.AWAIT
    return Mode.VALUE


_ASYNC_ITERATORS = (collections.abc.AsyncIterator, collections.abc.AsyncGenerator, collections.abc.AsyncIterable)
_ITERATORS = (collections.abc.Iterator, collections.abc.Generator, collections.abc.Iterable)


def _product(func: Provider, mode: Mode, hints: dict[str, Any]) -> Any:
    options = provider_options(func)
    if options is not None and options.provides is not None:
        return options.provides
    if isinstance(func, type):
        return func
    returned = hints.get("return")
    if returned is None or returned is type(None):
        return None
    if mode in (Mode.GENERATOR, Mode.ASYNC_GENERATOR):
        wrappers = _ASYNC_ITERATORS if mode is Mode.ASYNC_GENERATOR else _ITERATORS
        if get_origin(returned) in wrappers and get_args(returned):
            return strip(get_args(returned)[0])
        return None
    return strip(returned)


def _hints(func: Provider) -> dict[str, Any]:
    if isinstance(func, type):
        hints: dict[str, Any] = {}
        init = getattr(func, "__init__", None)
        if init is not None and init is not object.__init__:
            hints.update(get_type_hints(init, include_extras=True))
        for key, value in get_type_hints(func, include_extras=True).items():
            hints.setdefault(key, value)
        return hints
    return get_type_hints(_callable_target(func), include_extras=True)


def analyze_provider(func: object) -> ProviderSpec:
    """Describe ``func`` (function, async function, (async) generator, or class).

    Raises:
        ImproperlyConfigured: its type hints cannot be resolved or its signature cannot be
            called with keyword arguments.
    """
    label = label_of(func)
    if not callable(func):
        raise ImproperlyConfigured(f"Dependency provider {func!r} is not callable")
    try:
        hints = _hints(func)
    except Exception as exc:
        raise ImproperlyConfigured(f"Dependency provider {label}: cannot resolve its type hints: {exc}") from exc
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"Dependency provider {label}: no inspectable signature: {exc}") from exc
    mode = _mode(func)
    params = []
    for param in signature.parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if param.kind is param.POSITIONAL_ONLY:
            raise ImproperlyConfigured(
                f"Dependency provider {label}: parameter {param.name!r} is positional-only; "
                "providers receive their arguments by keyword"
            )
        params.append(param_spec(param.name, hints.get(param.name, Any), param.default))
    return ProviderSpec(func, label, mode, tuple(params), _product(func, mode, hints))
