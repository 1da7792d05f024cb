"""The providers of one app, their app-scoped values, overrides, and the endpoint compiler hook."""

from __future__ import annotations

import asyncio
import inspect
import typing
from typing import TYPE_CHECKING, Any, Protocol, get_args, get_origin, get_type_hints

from surge.di._planner import AppSlot, DependencyError, Planner
from surge.di._runtime import REGISTRY_KEY, Cleanup, InjectedAttribute, compile_steps, run_steps, value_of
from surge.di.analysis import ParamSpec, Provider, ProviderSpec, analyze_provider, label_of, param_spec
from surge.di.host import DependencyHost, Overrides
from surge.di.injector import Injector, RequestParameter
from surge.di.markers import INJECT, Depends, Scope, provider_options
from surge.exceptions.config import ImproperlyConfigured

if TYPE_CHECKING:
    from loguru import Logger

__all__ = ["DependencyRegistry", "EndpointDependencies", "registry_of", "request_parameters"]


def _type_name(key: object) -> str:
    return str(getattr(key, "__qualname__", None) or repr(key))


class DependencyRegistry:
    """The dependency providers of one app (``app.add_dependency``, ``DEPENDENCIES``).

    Providers are registered for the type they produce. At startup the app asks the registry
    to plan every endpoint (``compile_endpoint``); app-scoped values are created by a startup
    hook and closed by a shutdown hook that the registry adds when the app compiles.
    """

    def __init__(self, app: DependencyHost) -> None:
        self.app = app
        self.providers: dict[object, Provider] = {}  # provided type -> provider
        self.registered: list[Provider] = []
        self.attribute_slots: dict[InjectedAttribute, AppSlot] = {}
        self.injectors: list[Injector] = []
        self.lock = asyncio.Lock()
        self._scopes: dict[Any, Scope] = {}
        self._specs: dict[Any, ProviderSpec] = {}
        self._slots: dict[Any, AppSlot] = {}
        self._slot_order: list[AppSlot] = []
        self._planning: list[Provider] = []
        self._started: list[tuple[AppSlot, list[tuple[Any, bool, str]]]] = []
        self._attributes: dict[type, list[tuple[InjectedAttribute, ParamSpec]]] = {}
        self._prepared = False
        self._stale = False
        self._install_overrides()

    @property
    def logger(self) -> Logger:
        """The app's logger (teardown failures are logged, never raised)."""
        return self.app.logger

    # -- registration ----------------------------------------------------------------------------
    def register(self, provider: Provider, *, provides: object = None, scope: Scope | str | None = None) -> None:
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

    def spec(self, func: Provider) -> ProviderSpec:
        """The (cached) analysis of provider ``func``."""
        spec = self._specs.get(func)
        if spec is None:
            spec = self._specs[func] = analyze_provider(func)
        return spec

    def provider_for(self, key: object) -> Provider | None:
        """The provider registered for type ``key``, or None."""
        try:
            return self.providers.get(key)
        except TypeError:  # an unhashable annotation is never a registered type
            return None

    def _declared_scope(self, func: Provider) -> Scope | None:
        scope = self._scopes.get(func)
        if scope is None:
            options = provider_options(func)
            scope = options.scope if options is not None else None
        return scope

    def _override(self, original: Provider, key: object) -> Any:
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
    def slot_for(self, func: Provider, spec: ProviderSpec, chain: list[str]) -> AppSlot:
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
                cleanup = Cleanup(self.logger)
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
            cleanup = Cleanup(self.logger)
            cleanup.gens = gens
            await cleanup.close()
            slot.ready = False
            slot.value = None

    def _install_overrides(self) -> bool:
        current = self.app.dependency_overrides
        if isinstance(current, Overrides) and current.owner is self:
            return False
        self.app.dependency_overrides = Overrides(self.invalidate, current, self)
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
    def claim(self, name: str, annotation: Any, default: Any) -> ParamSpec | None:
        """The spec of a handler parameter when it is injected (a marker, or a registered type), else None."""
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
        self,
        controller: type,
        injected: dict[str, ParamSpec],
        where: str,
        *,
        provided: frozenset[str] = frozenset(),
        websocket: bool = False,
        streaming: bool = False,
    ) -> Injector | None:
        """The dependency step of one endpoint, planned now (None when it injects nothing).

        Args:
            injected: the handler parameters :meth:`claim` took, by name.
            provided: the handler kwargs extension steps inject (``FromExtension`` may read them).
            streaming: the handler is a generator, so the response outlives the handler call.

        Raises:
            DependencyError: a provider is missing, a cycle, or a scope mismatch; the message
                names the chain from the endpoint.
        """
        attrs = self.controller_attributes(controller)
        if not injected and not attrs:
            return None
        roots = list(injected.items())
        injector = Injector(self, where, roots, attrs, provided, websocket=websocket, streaming=streaming)
        injector.replan()
        self.injectors.append(injector)
        return injector


class EndpointDependencies(Protocol):
    """What :func:`request_parameters` reads: an endpoint's compiled parameters (``HandlerParams``)."""

    @property
    def injector(self) -> Injector | None: ...


def registry_of(app: DependencyHost) -> DependencyRegistry:
    """The dependency registry of ``app`` (created on first use)."""
    registry = app.extensions.get(REGISTRY_KEY)
    if registry is None:
        registry = app.extensions[REGISTRY_KEY] = DependencyRegistry(app)
    assert isinstance(registry, DependencyRegistry)
    return registry


def request_parameters(params: EndpointDependencies | None) -> list[RequestParameter]:
    """Query and header parameters the providers of an endpoint read (for OpenAPI).

    ``params`` is the endpoint's ``HandlerParams`` (``EndpointInfo.params``), after startup.
    """
    injector = params.injector if params is not None else None
    return list(injector.parameters) if injector is not None else []
