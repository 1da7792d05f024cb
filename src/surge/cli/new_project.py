"""``surge.cli.new_project``: PyJolt's function for ``new-project`` (Surge's own project template)."""

from __future__ import annotations

import os
from pathlib import Path

from surge.cli.project import create_project

__all__ = ["new_project"]


def new_project(cwd: str | os.PathLike[str], name: str | None = None) -> None:
    """Create the project ``name`` in the folder ``cwd`` (asks for the name when not given).

    Raises:
        ImproperlyConfigured: the name is empty, or the project folder exists and is not empty.
    """
    if name is None:
        name = input("Project name: ").strip()
    path = create_project(name, Path(cwd))
    print(f"Created new project in {path}")
