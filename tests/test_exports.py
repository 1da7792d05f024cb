"""Every public module of ``surge`` has an exact, sorted ``__all__`` (the one copy of this check).

A module is public when no part of its dotted name starts with ``_``. Its *public names* are
the names, not starting with ``_``, that its source binds at module level (outside
``if TYPE_CHECKING:``):

- names it defines: ``def``, ``class``, assignments, ``type`` aliases;
- in a package (``__init__.py``), names it imports from inside ``surge`` (absolute or
  relative), since a package exists to re-export them.

Imported modules, ``from __future__`` features and type variables (``TypeVar``, ``ParamSpec``,
``TypeVarTuple``: typing devices, not API) are never public names. A plain module's
imports (from ``surge`` or elsewhere), and a package's imports from outside ``surge``, are for
its own use unless its ``__all__`` lists them: listing them is the deliberate re-export (the
seed's ``surge.request`` or ``surge.database.AsyncSession``).

So ``__all__`` must be sorted, without duplicates, list every public name, and list only
names the module provides at run time (lazily through ``__getattr__`` counts) that are not
modules.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import pkgutil
from pathlib import Path
from types import ModuleType
from typing import ParamSpec, TypeVar, TypeVarTuple

import pytest

import surge
from surge.exceptions import MissingDependency

# Modules failing the rule when this test was written; the owners of src/ fix them, and
# strict xfail turns each fix into a failure here until its entry is removed.
KNOWN_FAILURES: dict[str, str] = {}


def public_modules() -> list[str]:
    """Dotted names of surge's public modules (walks the source, skips ``_`` parts)."""
    names = ["surge"]
    for info in pkgutil.walk_packages(surge.__path__, "surge.", onerror=lambda _name: None):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return sorted(names)


def _targets(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, (ast.Tuple, ast.List)):
        return [name for element in node.elts for name in _targets(element)]
    if isinstance(node, ast.Starred):
        return _targets(node.value)
    return []


class Bindings(ast.NodeVisitor):
    """The module-level names a module's source binds: defined here, imported from surge, from elsewhere.

    Only statements that run at import time count: function and class bodies are not entered,
    nor ``if TYPE_CHECKING:`` blocks (their names exist for type checkers only).
    """

    def __init__(self, module_name: str) -> None:
        self.module_name = module_name
        self.defined: set[str] = set()
        self.internal: set[str] = set()
        self.external: set[str] = set()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.defined.add(node.name)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self.defined.add(node.name)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.defined.add(node.name)

    def visit_Assign(self, node: ast.Assign) -> None:
        self.defined.update(name for target in node.targets for name in _targets(target))

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:  # a bare annotation binds nothing
            self.defined.update(_targets(node.target))

    def visit_TypeAlias(self, node: ast.AST) -> None:  # ``type X = ...`` (Python 3.12+)
        self.defined.update(_targets(node.name))  # type: ignore[attr-defined]

    def visit_Import(self, node: ast.Import) -> None:
        self.external.update((alias.asname or alias.name).split(".")[0] for alias in node.names)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module == "__future__":
            return
        source = importlib.util.resolve_name("." * node.level + (node.module or ""), self.module_name)
        if source != "surge" and not source.startswith("surge."):
            self.external.update(alias.asname or alias.name for alias in node.names)
        elif any(alias.name == "*" for alias in node.names):
            self.internal.update(importlib.import_module(source).__all__)
        else:
            self.internal.update(alias.asname or alias.name for alias in node.names)

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        type_checking = isinstance(test, ast.Name) and test.id == "TYPE_CHECKING"
        type_checking |= isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        for statement in node.orelse if type_checking else [*node.body, *node.orelse]:
            self.visit(statement)

    def public_definitions(self) -> set[str]:
        """Defined public names; ``try: import x / except ImportError: x = None`` binds an import."""
        return {name for name in self.defined - self.internal - self.external if not name.startswith("_")}


def bindings(source: str, module_name: str) -> Bindings:
    """The :class:`Bindings` of ``source``, the text of the module ``module_name``."""
    collector = Bindings(module_name)
    collector.visit(ast.parse(source))
    return collector


def _is_public_value(value: object) -> bool:
    return not isinstance(value, (ModuleType, TypeVar, ParamSpec, TypeVarTuple))


def _param(name: str) -> object:
    if name in KNOWN_FAILURES:
        return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[name]))
    return name


def _import_or_skip(name: str) -> ModuleType:
    """Import ``name``; skip when an optional dependency of it is not installed."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:  # MissingDependency is an ImproperlyConfigured, not an ImportError
        if exc.name and not exc.name.startswith("surge"):
            pytest.skip(f"{name} needs {exc.name!r}, which is not installed")
        raise
    except MissingDependency as exc:
        pytest.skip(f"{name} needs {exc.package!r} (surge[{exc.extra}]), which is not installed")


@pytest.mark.parametrize("name", [_param(name) for name in public_modules()])
def test_all_is_sorted_and_exact(name: str) -> None:
    module = _import_or_skip(name)
    assert hasattr(module, "__all__"), f"{name} has no __all__"
    exported = list(module.__all__)
    assert exported == sorted(set(exported)), f"{name}.__all__ is not sorted or has duplicates"

    origin = Path(str(module.__file__))
    found = bindings(origin.read_text(encoding="utf-8"), name)
    is_package = origin.name == "__init__.py"
    reexported = {n for n in found.internal if not n.startswith("_")} if is_package else set()
    required = {n for n in found.public_definitions() | reexported if _is_public_value(getattr(module, n, None))}
    missing = required - set(exported)
    assert not missing, f"{name} defines or re-exports {sorted(missing)} without listing them in __all__"

    absent = [n for n in exported if not hasattr(module, n)]
    assert not absent, f"{name}.__all__ lists {absent}, which the module does not provide"
    modules = [n for n in exported if isinstance(getattr(module, n), ModuleType)]
    assert not modules, f"{name}.__all__ lists the modules {modules}"
