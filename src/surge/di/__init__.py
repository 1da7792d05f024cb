"""Dependency injection: typed providers resolved by the compiled endpoint plan."""

from surge.di.registry import Depends, DependencyRegistry, Inject, registry_of

__all__ = ["Depends", "DependencyRegistry", "Inject", "registry_of"]
