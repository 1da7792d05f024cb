"""``surge.cli.cli``: PyJolt's module path for the command line entry point."""

from __future__ import annotations

from collections.abc import Callable

from surge.cli.main import main
from surge.cli.new_project import new_project

__all__ = ["main", "methods"]

methods: dict[str, Callable[..., object]] = {"new-project": new_project}
"""PyJolt's table of its own commands; ``surge new-project`` is one of ``surge``'s built-ins."""
