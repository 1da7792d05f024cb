"""The providers of one app, their app-scoped values, overrides, and the endpoint compiler hook."""

from __future__ import annotations

import asyncio
import inspect
import typing
from typing import TYPE_CHECKING, Any, get_args, get_origin, get_type_hints

from surge.di._analysis import ParamSpec, ProviderSpec, analyze_provider, label_of, param_spec
from surge.di._injector import Injector, RequestParameter
from surge.di._planner import AppSlot, DependencyError, Planner
from surge.di._runtime import Cleanup, InjectedAttribute, compile_steps, run_steps, value_of
from surge.di.markers import INJECT, Depends, Scope, provider_options
from surge.exceptions.config import ImproperlyConfigured

if TYPE_CHECKING:
    from surge.app import Surge

__all__ = ["DependencyRegistry", "registry_of", "request_parameters"]

_KEY = "__dependencies__"


class _Overrides(dict[Any, Any]):
    """``app.dependency_overrides``: every change makes the endpoints re-plan on their next use."""

    def __init__(self, registry: DependencyRegistry, initial: dict[Any, Any]) -> None:
        super().__init__(initial)
        self._registry = registry

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        self._registry.invalidate()

    def __delitem__(self, key: Any) -> None:
        super().__delitem__(key)
        self._registry.invalidate()

    def __ior__(self, other: Any) -> _Overrides:  # type: ignore[misc]
        self.update(other)
        return self

    def clear(self) -> None:
        super().clear()
        self._registry.invalidate()

    def pop(self, key: Any, *default: Any) -> Any:
        value = super().pop(key, *default)
        self._registry.invalidate()
        return value

    def popitem(self) -> tuple[Any, Any]:
        item = super().popitem()
        self._registry.invalidate()
        return item

    def setdefault(self, key: Any, default: Any = None) -> Any:
        value = super().setdefault(key, default)
        self._registry.invalidate()
        return value

    def update(self, *args: Any, **kwargs: Any) -> None:
        super().update(*args, **kwargs)
        self._registry.invalidate()


def _type_name(key: Any) -> str:
    return str(getattr(key, "__qualname__", None) or repr(key))


class DependencyRegistry:
    """The dependency providers of one app (``app.add_dependency``, ``DEPENDENCIES``).

    Providers are registered for the type they produce. At startup the app asks the registry
    to plan every endpoint (``compile_endpoint``); app-scoped values are created by a startup
    hook and closed by a shutdown hook that the registry adds when the app compiles.
    """

    def __init__(self, app: Surge) -> None:
        self.app = app
        self.providers: dict[Any, Any] = {}  # provided type -> provider
        self.registered: list[Any] = []
        self.attribute_slots: dict[InjectedAttribute, AppSlot] = {}
        self.injectors: list[Injector] = []
        self.lock = asyncio.Lock()
        self._scopes: dict[Any, Scope] = {}
        self._specs: dict[Any, ProviderSpec] = {}
        self._slots: dict[Any, AppSlot] = {}
        self._slot_order: list[AppSlot] = []
        self._planning: list[Any] = []
        self._started: list[tuple[AppSlot, list[tuple[Any, bool, str]]]] = []
        self._attributes: dict[type, list[tuple[InjectedAttribute, ParamSpec]]] = {}
        self._prepared = False
        self._stale = False
        self._install_overrides()

    # -- registration ----------------------------------------------------------------------------
    def register(self, provider: Any, *, provides: Any = None, scope: Scope | str | None = None) -> None:
        """Register ``provider`` for the type it returns (or ``provides``).

        Raises:
            ImproperlyConfigured: the type cannot be told, or another provider has it already.
            RuntimeError: the app has started.
        """
        if self._prepared:
            raise RuntimeError("Cannot register a dependency provider after the application has started")
        spec = self.spec(provider)
        key = provides if provides is not None else spec.provides
        if key is None:
            raise ImproperlyConfigured(
                f"Dependency provider {spec.label}: cannot tell which type it provides; annotate its "
                "return type or use @provider(provides=SomeType)"
            )
        existing = self.providers.get(key)
        if existing is not None and existing is not provider:
            raise ImproperlyConfigured(
                f"{_type_name(key)} is provided by both {label_of(existing)} and {spec.label}; "
                "register one (tests replace providers with app.dependency_overrides)"
            )
        if scope is not None:
            self._scopes[provider] = Scope(scope)
        self.providers[key] = provider
        if existing is None:
            self.registered.append(provider)

    def spec(self, func: Any) -> ProviderSpec:
        """The (cached) analysis of provider ``func``."""
        spec = self._specs.get(func)
        if spec is None:
            spec = self._specs[func] = analyze_provider(func)
        return spec

    def provider_for(self, key: Any) -> Any:
        """The provider registered for type ``key``, or None."""
        try:
            return self.providers.get(key)
        except TypeError:  # an unhashable annotation is never a registered type
            return None

    def _declared_scope(self, func: Any) -> Scope | None:
        scope = self._scopes.get(func)
        if scope is None:
            options = provider_options(func)
            scope = options.scope if options is not None else None
        return scope

    def _override(self, original: Any, key: Any) -> Any:
        overrides = self.app.dependency_overrides
        if not overrides:
            return None
        for candidate in (original, key, self.spec(original).provides):
            try:
                found = overrides.get(candidate)
            except TypeError:
                continue
            if found is not None:
                return found
        return None

    def target(self, param: ParamSpec, chain: list[str]) -> tuple[Any, Scope]:
        """The provider (after overrides) and the scope that serve ``param``."""
        marker = param.marker if isinstance(param.marker, Depends) else None
        key = param.bare
        original = marker.provider if marker is not None and marker.provider is not None else self.provider_for(key)
        if original is None:
            if marker is None or not isinstance(key, type) or key is object:
                raise DependencyError(
                    f"No provider for {_type_name(key)} (register one with app.add_dependency() or the "
                    "DEPENDENCIES config list, or name it with Depends(provider))",
                    [*chain, _type_name(key)],
                )
            original = key  # Depends() on a class: construct it
        func = self._override(original, key)
        if func is None:
            func = original
        elif not callable(func):
            raise DependencyError(f"The override of {label_of(original)} is not callable: {func!r}", chain)
        scope = (marker.scope if marker is not None else None) or self._declared_scope(func)
        return func, scope or self._declared_scope(original) or Scope.REQUEST

    # -- app-scoped values -----------------------------------------------------------------------
    def slot_for(self, func: Any, spec: ProviderSpec, chain: list[str]) -> AppSlot:
        """The app-scoped slot of ``func``, planned (with its own dependencies) on first use."""
        slot = self._slots.get(func)
        if slot is not None:
            return slot
        if func in self._planning:
            raise DependencyError("Dependency cycle", [*chain, spec.label])
        self._planning.append(func)
        try:
            planner = Planner(self, app_owner=spec.label)
            source = planner.node(func, spec, Scope.APP, chain)
        finally:
            self._planning.pop()
        slot = self._slots[func] = AppSlot(func, spec.label, planner.nodes, source)
        self._slot_order.append(slot)
        return slot

    async def start_slots(self) -> None:
        """Create every planned app-scoped value not created yet, dependencies first."""
        for slot in list(self._slot_order):
            if slot.ready:
                continue
            gens: list[tuple[Any, bool, str]] = []
            try:
                vals = await run_steps(compile_steps(slot.nodes), None, {}, gens)
            except BaseException:
                cleanup = Cleanup(self.app.logger)
                cleanup.gens = gens
                await cleanup.close()
                raise
            slot.value = value_of(slot.source[0], slot.source[1], None, {}, vals)
            slot.ready = True
            self._started.append((slot, gens))

    # -- lifecycle ---------------------------------------------------------------------------------
    def prepare(self) -> None:
        """Called once when the app has compiled its endpoints: check every registered provider
        (used or not), hook the lifespan.

        The hooks are added now, after every extension's, so app-scoped providers can use
        started extensions and are closed before the extensions shut down.
        """
        if self._prepared:
            return
        self._prepared = True
        self._validate_registered()
        self.app.add_on_startup_method(self.startup)
        self.app.add_on_shutdown_method(self.shutdown)

    def _validate_registered(self) -> None:
        self._stale = False
        for key in list(self.providers):
            param = param_spec("", key, inspect.Parameter.empty)
            func, scope = self.target(param, [])
            spec = self.spec(func)
            if scope is Scope.APP:
                self.slot_for(func, spec, [])
            else:
                Planner(self, check_provided=False).node(func, spec, scope, [])

    async def startup(self) -> None:
        """Re-plan endpoints whose overrides changed while stopped, then create app-scoped values."""
        if self._install_overrides():
            self.invalidate()
        if self._stale:
            self._validate_registered()
            for injector in self.injectors:
                if injector.plan is None:
                    injector.replan()
        await self.start_slots()

    async def shutdown(self) -> None:
        """Close app-scoped values in reverse creation order (failures are logged)."""
        started, self._started = self._started, []
        for slot, gens in reversed(started):
            cleanup = Cleanup(self.app.logger)
            cleanup.gens = gens
            await cleanup.close()
            slot.ready = False
            slot.value = None

    def _install_overrides(self) -> bool:
        current = self.app.dependency_overrides
        if isinstance(current, _Overrides) and current._registry is self:
            return False
        self.app.dependency_overrides = _Overrides(self, current)
        return True

    def invalidate(self) -> None:
        """Forget every plan: the overrides changed. Created app values live on until shutdown."""
        self._stale = True
        self._slots = {}
        self._slot_order = []
        self.attribute_slots = {}
        for injector in self.injectors:
            injector.invalidate()

    # -- the endpoint compiler hooks ---------------------------------------------------------------
    def planner(self, name: str, annotation: Any, default: Any, where: str) -> ParamSpec | None:
        """Claim a handler parameter that is injected (the app's ``dependency_planner``)."""
        param = param_spec(name, annotation, default)
        if param.marker is not None or self.provider_for(param.bare) is not None:
            return param
        return None

    def controller_attributes(self, cls: type) -> list[tuple[InjectedAttribute, ParamSpec]]:
        """The ``Inject[...]`` attributes of controller ``cls``, each backed by a descriptor."""
        found = self._attributes.get(cls)
        if found is not None:
            return found
        try:
            hints = get_type_hints(cls, include_extras=True)
        except Exception as exc:
            if any("Inject" in str(value) for klass in cls.__mro__ for value in vars(klass).get("__annotations__", {}).values()):
                raise ImproperlyConfigured(f"{cls.__qualname__}: cannot resolve its Inject[...] annotations: {exc}") from exc
            hints = {}
        found = []
        for name, annotation in hints.items():
            if get_origin(annotation) is not typing.Annotated or not any(m is INJECT for m in get_args(annotation)[1:]):
                continue
            current = inspect.getattr_static(cls, name, inspect.Parameter.empty)
            if isinstance(current, InjectedAttribute):
                attr = current
            else:
                attr = InjectedAttribute(name, cls.__qualname__, param_spec(name, annotation, current))
                setattr(cls, name, attr)
            found.append((attr, attr.param))
        self._attributes[cls] = found
        return found

    def compile_endpoint(
        self, controller: type, params: Any, where: str, *, websocket: bool = False, handler: Any = None
    ) -> Injector | None:
        """The dependency step of one endpoint, planned now (None when it injects nothing).

        Raises:
            DependencyError: a provider is missing, a cycle, or a scope mismatch; the message
                names the chain from the endpoint.
        """
        roots = list(params.injected.items())
        attrs = self.controller_attributes(controller)
        if not roots and not attrs:
            return None
        streaming = inspect.isasyncgenfunction(handler) or inspect.isgeneratorfunction(handler)
        injector = Injector(self, where, roots, attrs, params, websocket=websocket, streaming=streaming)
        injector.replan()
        self.injectors.append(injector)
        return injector


def registry_of(app: Surge) -> DependencyRegistry:
    """The dependency registry of ``app`` (created on first use)."""
    registry = app.extensions.get(_KEY)
    if registry is None:
        registry = app.extensions[_KEY] = DependencyRegistry(app)
    return registry


def request_parameters(params: Any) -> list[RequestParameter]:
    """Query and header parameters the providers of an endpoint read (for OpenAPI).

    ``params`` is the endpoint's ``HandlerParams`` (``EndpointInfo.params``), after startup.
    """
    injector = getattr(params, "injector", None)
    return list(injector.parameters) if injector is not None else []
