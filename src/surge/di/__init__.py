"""Dependency injection: typed providers resolved by the endpoint plan compiled at startup.

Declare a provider (function, async function, (async) generator with teardown, or class),
register it for the type it returns, and receive its value by type: in a handler signature
(``repo: Repo`` or ``Annotated[Repo, Depends(get_repo)]``) or on a controller
(``repo: Inject[Repo]``, read as ``self.repo``). See ``docs/di.md``.
"""

from surge.di._planner import DependencyError
from surge.di.injector import RequestParameter
from surge.di.markers import Depends, FromConfig, FromExtension, FromHeader, Inject, Scope, provider
from surge.di.registry import DependencyRegistry, registry_of, request_parameters

__all__ = [
    "DependencyError",
    "DependencyRegistry",
    "Depends",
    "FromConfig",
    "FromExtension",
    "FromHeader",
    "Inject",
    "RequestParameter",
    "Scope",
    "provider",
    "registry_of",
    "request_parameters",
]
