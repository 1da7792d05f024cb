"""List every public (module, name) of a PyJolt wheel, read with ``ast`` (nothing is imported).

Usage (Python 3.12+, the syntax of PyJolt's source): python3.12 scripts/pyjolt_names.py pyjolt-0.111.12-py3-none-any.whl > tests/compat/pyjolt_names.json

Get the wheel with ``pip download pyjolt==0.111.12 --no-deps``. A module is public when no
part of its dotted name after ``pyjolt`` starts with ``_``; its names are its ``__all__`` when
it has one, else the non-underscore names its body defines (classes, functions, assignments).
"""

from __future__ import annotations

import ast
import json
import sys
import zipfile
from pathlib import PurePosixPath


def module_name(path: str) -> str | None:
    """``pyjolt/a/b.py`` -> ``pyjolt.a.b`` (a package's ``__init__.py`` -> the package); None when private."""
    parts = list(PurePosixPath(path).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    if any(part.startswith("_") for part in parts[1:]):
        return None
    return ".".join(parts)


def public_names(source: str) -> list[str]:
    """The module's ``__all__``, else the public names bound at its top level."""
    defined: set[str] = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id == "__all__":
                    return sorted(set(ast.literal_eval(node.value)))
                if isinstance(target, ast.Name):
                    defined.add(target.id)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            defined.add(node.target.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
    return sorted(name for name in defined if not name.startswith("_"))


def wheel_names(wheel: str) -> dict[str, list[str]]:
    """``{module: [names]}`` for every public module of the ``pyjolt`` package in ``wheel``."""
    found: dict[str, list[str]] = {}
    with zipfile.ZipFile(wheel) as archive:
        for path in sorted(archive.namelist()):
            if not (path.startswith("pyjolt/") and path.endswith(".py")):
                continue
            module = module_name(path)
            if module is not None:
                found[module] = public_names(archive.read(path).decode("utf-8"))
    return dict(sorted(found.items()))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    json.dump(wheel_names(sys.argv[1]), sys.stdout, indent=1)
    sys.stdout.write("\n")
