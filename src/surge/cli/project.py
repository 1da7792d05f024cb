"""``surge new-project NAME``: write a working project from the bundled template.

The template lives in ``surge/templates/project/`` as ``*.tmpl`` files, so neither the
framework's tooling nor its tests mistake it for framework code. ``dot-`` at the start of a
name becomes ``.`` (``dot-gitignore.tmpl`` -> ``.gitignore``), because a real ``.gitignore``
inside the package would apply to the framework's own repository.

The project gets a ``.env`` (git-ignored) with a random ``SECRET_KEY`` and ``DEBUG=false``:
a project that is deployed as generated is not in DEBUG and has a key nobody else knows.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from surge.exceptions.config import ImproperlyConfigured

__all__ = ["TEMPLATE_DIR", "create_project", "project_files"]

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "project"
_SUFFIX = ".tmpl"


def _package_name(name: str) -> str:
    """A distribution name for pyproject: lowercase, dashes."""
    cleaned = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()
    return cleaned or "surge-app"


def _title(name: str) -> str:
    words = re.split(r"[-_\s]+", name.strip())
    return " ".join(word[:1].upper() + word[1:] for word in words if word) or "Surge app"


def project_files() -> list[Path]:
    """The template's files, relative to the template folder."""
    return sorted(path.relative_to(TEMPLATE_DIR) for path in TEMPLATE_DIR.rglob(f"*{_SUFFIX}") if path.is_file())


def _target_name(relative: Path) -> Path:
    parts = list(relative.parts)
    last = parts[-1].removesuffix(_SUFFIX)
    if last.startswith("dot-"):
        last = "." + last.removeprefix("dot-")
    parts[-1] = last
    return Path(*parts)


def create_project(name: str, parent: Path | None = None) -> Path:
    """Create the project ``name`` in ``parent`` (default: the current folder); returns its path.

    Raises:
        ImproperlyConfigured: the name is empty, or the folder exists and is not empty.
    """
    from surge._version import __version__

    if not name or not name.strip() or Path(name).name in ("", ".", ".."):
        raise ImproperlyConfigured(f"Invalid project name {name!r}")
    root = (parent or Path.cwd()) / name
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise ImproperlyConfigured(f"{root} already exists and is not empty")
    title = _title(Path(name).name)
    replacements = {
        "__PROJECT_NAME__": _package_name(Path(name).name),
        "__APP_TITLE__": title.replace('"', "'"),
        "__SURGE_VERSION__": __version__,
        "__SECRET_KEY__": secrets.token_urlsafe(48),  # one per project, written to .env only
    }
    for relative in project_files():
        text = (TEMPLATE_DIR / relative).read_text(encoding="utf-8")
        for token, value in replacements.items():
            text = text.replace(token, value)
        destination = root / _target_name(relative)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(text, encoding="utf-8")
    return root
