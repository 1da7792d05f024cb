"""``surge new-project NAME``: write a working project from the bundled template.

The template lives in ``surge/templates/project/`` as ``*.tmpl`` files, so neither the
framework's tooling nor its tests mistake it for framework code. ``dot-`` at the start of a
name becomes ``.`` (``dot-gitignore.tmpl`` -> ``.gitignore``), because a real ``.gitignore``
inside the package would apply to the framework's own repository.

The project gets a ``.env`` (git-ignored) with a random ``SECRET_KEY`` and ``DEBUG=false``:
a project that is deployed as generated is not in DEBUG and has a key nobody else knows.

Its dependency on Surge names where this Surge came from: ``surge>=VERSION`` for a release
from an index, but ``surge @ file:///path/to/checkout`` (or ``git+...@commit``) when Surge was
installed from a checkout, whose version an index may not have.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import secrets
from pathlib import Path
from typing import Any

from surge.exceptions.config import ImproperlyConfigured

__all__ = ["TEMPLATE_DIR", "create_project", "project_files", "surge_requirement"]

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "project"
_SUFFIX = ".tmpl"


def _package_name(name: str) -> str:
    """A distribution name for pyproject: lowercase, dashes."""
    cleaned = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()
    return cleaned or "surge-app"


def _title(name: str) -> str:
    words = re.split(r"[-_\s]+", name.strip())
    return " ".join(word[:1].upper() + word[1:] for word in words if word) or "Surge app"


def _direct_reference(direct_url: dict[str, Any]) -> str | None:
    """A PEP 508 URL for the source a ``direct_url.json`` (PEP 610) records, or None."""
    url = direct_url.get("url")
    if not isinstance(url, str) or not url:
        return None
    vcs = direct_url.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs"):
        commit = vcs.get("commit_id") or vcs.get("requested_revision")
        return f"{vcs['vcs']}+{url}" + (f"@{commit}" if commit else "")
    return url  # dir_info (a checkout, editable or not) or archive_info (a wheel or sdist file)


def surge_requirement(distribution: importlib.metadata.Distribution | None = None) -> str:
    """The requirement a new project writes for Surge: where the running Surge came from.

    Args:
        distribution: Surge's installed distribution (default: looked up by name).
    """
    from surge._version import __version__

    if distribution is None:
        try:
            distribution = importlib.metadata.distribution("surge")
        except importlib.metadata.PackageNotFoundError:  # run from a source tree on sys.path
            checkout = Path(__file__).resolve().parents[3]
            if (checkout / "pyproject.toml").is_file() and (checkout / "src" / "surge").is_dir():
                return f"surge @ {checkout.as_uri()}"
            return f"surge>={__version__}"
    recorded = distribution.read_text("direct_url.json")
    try:
        reference = _direct_reference(json.loads(recorded)) if recorded else None
    except (ValueError, AttributeError):  # a malformed record: fall back to the index
        reference = None
    return f"surge @ {reference}" if reference else f"surge>={__version__}"


def _source_note(requirement: str) -> str:
    """The README's paragraph about where Surge comes from (empty for a release)."""
    from surge._version import __version__

    if " @ " not in requirement:
        return ""
    url = requirement.split(" @ ", 1)[1]
    return (
        f"Surge was installed from `{url}` when this project was made, so `pyproject.toml`\n"
        f"depends on `{requirement}`: `pip install` builds Surge from there, with no\n"
        "package index involved. In an environment where that checkout is installed with\n"
        "`pip install -e`, pip replaces it with a built copy; install the checkout with `-e` again\n"
        "afterwards to edit Surge and the app together. Once you use a released Surge, change the\n"
        f"dependency to `surge>={__version__}`.\n\n"
    )


def project_files() -> list[Path]:
    """The template's files, relative to the template folder."""
    return sorted(
        path.relative_to(TEMPLATE_DIR) for path in TEMPLATE_DIR.rglob(f"*{_SUFFIX}") if path.is_file()
    )


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
    if not name or not name.strip() or Path(name).name in ("", ".", ".."):
        raise ImproperlyConfigured(f"Invalid project name {name!r}")
    root = (parent or Path.cwd()) / name
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise ImproperlyConfigured(f"{root} already exists and is not empty")
    title = _title(Path(name).name)
    requirement = surge_requirement()
    replacements = {
        "__PROJECT_NAME__": _package_name(Path(name).name),
        "__APP_TITLE__": title.replace('"', "'"),
        "__SURGE_REQUIREMENT__": json.dumps(requirement),  # a TOML basic string
        "__SURGE_SOURCE_NOTE__": _source_note(requirement),
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
