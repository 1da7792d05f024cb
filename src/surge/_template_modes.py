"""Which templates can be rendered synchronously, with nothing a template author could notice.

Surge's templates run in Jinja2's async mode (PyJolt's choice too), so a template may call a
coroutine function or loop over an async iterable. That mode costs: every loop is an async
generator and every output is checked for an awaitable (0.12 ms of a 1 ms /fortunes request,
measured). A template that only lays out data (no calls, no includes, no ``do``, only Jinja's
own filters and tests) cannot await anything by itself, so it renders the same in sync mode,
faster. Its data could still be async: an async iterable in a ``for`` fails the sync render
with a TypeError, and an awaitable about to be printed stops it (``finalize``), before anything
was sent and with no call made. The template is then rendered in async mode, and stays there.
"""

from __future__ import annotations

import inspect
from typing import Any

import jinja2
import markupsafe
from jinja2 import nodes
from jinja2.filters import FILTERS as DEFAULT_FILTERS
from jinja2.tests import TESTS as DEFAULT_TESTS

from surge.exceptions.base import SurgeError

__all__ = ["NeedsAsync", "data_only", "sync_twin"]

# A call may await or have side effects; the others bring in templates not looked at here.
_NOT_DATA = (
    nodes.Call,
    nodes.CallBlock,
    nodes.ExprStmt,  # {% do ... %}
    nodes.Extends,
    nodes.FilterBlock,
    nodes.FromImport,
    nodes.Import,
    nodes.Include,
)


class NeedsAsync(SurgeError):
    """A sync render met an awaitable: the template is rendered in async mode instead."""


_DATA = frozenset({str, int, float, bool, type(None), markupsafe.Markup})  # PERF: never awaitable


def _refuse_awaitables(value: object) -> object:
    if type(value) not in _DATA and inspect.isawaitable(value):
        if inspect.iscoroutine(value):
            value.close()  # never started: the async render makes its own (no "never awaited" warning)
        raise NeedsAsync
    return value


def sync_twin(environment: jinja2.Environment) -> jinja2.Environment:
    """A sync-mode overlay of ``environment``: the same loader, globals, filters and tests (the
    same dicts, so later additions show in both), its own compiled templates."""
    return environment.overlay(enable_async=False, finalize=_refuse_awaitables)


def data_only(environment: jinja2.Environment, name: str) -> bool:
    """Whether the template ``name`` only lays out data (see the module docstring)."""
    loader = environment.loader
    if loader is None:
        return False
    source, _, _ = loader.get_source(environment, name)
    tree = environment.parse(source, name)
    if next(tree.find_all(_NOT_DATA), None) is not None:
        return False
    return _builtin(tree.find_all(nodes.Filter), environment.filters, DEFAULT_FILTERS) and _builtin(
        tree.find_all(nodes.Test), environment.tests, DEFAULT_TESTS
    )


def _builtin(used: Any, registered: dict[str, Any], defaults: dict[str, Any]) -> bool:
    """Every filter (or test) in ``used`` is Jinja's own, not one an app registered or replaced."""
    return all(registered.get(node.name) is defaults.get(node.name, registered) for node in used)
