"""The names users write: ``Depends``, ``Inject``, ``@provider``, scopes and parameter sources.

They only record intent; nothing here runs per request. The registry turns them into one
plan per endpoint at startup.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

__all__ = [
    "Depends",
    "FromConfig",
    "FromExtension",
    "FromHeader",
    "INJECT",
    "Inject",
    "ProviderOptions",
    "Scope",
    "provider",
    "provider_options",
]

_T = TypeVar("_T")
_F = TypeVar("_F", bound=Callable[..., Any])


class Scope(enum.StrEnum):
    """How long a provided value lives.

    ``APP``: created once at startup, torn down at shutdown. ``REQUEST``: created once per
    request (shared by every consumer in that request), torn down after the response is sent.
    ``TRANSIENT``: created anew for every consumer.
    """

    APP = "app"
    REQUEST = "request"
    TRANSIENT = "transient"


def _scope(value: Scope | str | None, where: str) -> Scope | None:
    if value is None or isinstance(value, Scope):
        return value
    try:
        return Scope(value)
    except ValueError:
        allowed = ", ".join(repr(s.value) for s in Scope)
        raise ValueError(f"{where}: unknown scope {value!r}; expected one of {allowed}") from None


class Depends:
    """Marks a value as provided: ``repo: Annotated[Repo, Depends(get_repo)]``.

    ``Depends()`` with no provider uses the provider registered for the annotated type (or,
    when none is, constructs the annotated class). ``scope`` overrides the provider's own.
    """

    __slots__ = ("provider", "scope")

    def __init__(self, provider: Callable[..., Any] | None = None, *, scope: Scope | str | None = None) -> None:
        if provider is not None and not callable(provider):
            raise TypeError(f"Depends() takes a callable provider, got {provider!r}")
        self.provider = provider
        self.scope = _scope(scope, "Depends")

    def __repr__(self) -> str:
        name = getattr(self.provider, "__qualname__", repr(self.provider))
        return f"Depends({name}{'' if self.scope is None else f', scope={self.scope.value!r}'})"


class _InjectMarker:
    """The ``Annotated`` metadata that ``Inject[T]`` adds: "resolve this attribute per request"."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "Inject"


INJECT = _InjectMarker()

Inject = Annotated[_T, INJECT]
"""A controller attribute resolved for the current request: ``repo: Inject[Repo]``.

Type checkers see ``Repo``. ``Inject[Annotated[Repo, Depends(get_repo)]]`` or a class value
``repo: Inject[Repo] = Depends(get_repo)`` name the provider explicitly.
"""


class FromConfig:
    """A provider parameter read from the app config: ``Annotated[str, FromConfig("API_URL")]``.

    Dots reach into config sections: ``FromConfig("CACHE.TTL")``. The value is validated
    against the annotation once, at startup.
    """

    __slots__ = ("key",)

    def __init__(self, key: str) -> None:
        self.key = key

    def __repr__(self) -> str:
        return f"FromConfig({self.key!r})"


class FromHeader:
    """A parameter read from a request header (default name: the parameter's, ``_`` -> ``-``)."""

    __slots__ = ("name",)

    def __init__(self, name: str | None = None) -> None:
        self.name = name.lower() if name else None

    def __repr__(self) -> str:
        return f"FromHeader({self.name!r})"


class FromExtension:
    """A provider parameter that an extension decorator injects into the endpoint by name.

    ``session: Annotated[AsyncSession, FromExtension("session")]`` receives the session that
    ``@db.managed_session`` opened for this request. The endpoint must carry that decorator;
    startup fails otherwise.
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"FromExtension({self.name!r})"


class ProviderOptions:
    """What ``@provider`` declared on a function or class."""

    __slots__ = ("provides", "scope")

    def __init__(self, scope: Scope | None, provides: object) -> None:
        self.scope = scope
        self.provides = provides


_OPTIONS_ATTR = "__surge_provider__"


def provider(
    func: _F | None = None, *, scope: Scope | str | None = None, provides: object = None
) -> Any:
    """Declare a provider's scope (and, optionally, the type it provides).

    Usable bare (``@provider``) or with options (``@provider(scope="app", provides=Repo)``).
    The function or class is returned unchanged; registering it is a separate step
    (``app.add_dependency`` or the ``DEPENDENCIES`` config list).
    """
    options = ProviderOptions(_scope(scope, "@provider"), provides)

    def mark(target: _F) -> _F:
        setattr(target, _OPTIONS_ATTR, options)
        return target

    return mark(func) if func is not None else mark


def provider_options(func: object) -> ProviderOptions | None:
    """The options ``@provider`` recorded on ``func`` (its own, not a base class's)."""
    if isinstance(func, type):
        return func.__dict__.get(_OPTIONS_ATTR)
    return getattr(func, _OPTIONS_ATTR, None)
