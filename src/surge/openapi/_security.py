"""Security schemes and requirements: what lights Swagger UI's "Authorize" button.

Every auth decorator is documented wherever it is applied: one bound to an extension
(``@auth.login_required``) names that extension's scheme; a plain ``@login_required`` (on an
endpoint or a controller class) gets the schemes of the app's providers, else a bearer token.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from surge.controller.spec import EndpointInfo
from surge.openapi.roles import SecuritySchemeProvider

__all__ = ["DEFAULT_SCHEME", "default_security", "security_schemes"]

DEFAULT_SCHEME = "bearerAuth"
"""The scheme documented for protected endpoints when no extension names one."""


def default_security(extensions: Iterable[object]) -> list[dict[str, list[str]]]:
    """What a plain ``@login_required`` requires: any scheme of the app's providers, else a bearer token."""
    requirements: list[dict[str, list[str]]] = []
    for extension in extensions:
        if isinstance(extension, SecuritySchemeProvider):
            requirements.extend(r for r in extension.openapi_default_security() if r not in requirements)
    return requirements or [{DEFAULT_SCHEME: []}]


def security_schemes(extensions: Iterable[object], endpoints: Iterable[EndpointInfo], used: set[str]) -> dict[str, Any]:
    """Schemes declared by extensions, controllers and endpoints; a bearer token for names used but undefined."""
    schemes: dict[str, Any] = {}
    seen: set[int] = set()
    for extension in extensions:
        if id(extension) in seen or not isinstance(extension, SecuritySchemeProvider):
            continue
        seen.add(id(extension))
        schemes.update(extension.openapi_security_schemes())
    for info in endpoints:
        schemes.update(info.controller_spec.extra.get("security_schemes", {}))
        schemes.update(info.spec.extra.get("security_schemes", {}))
    for name in sorted(used - set(schemes)):
        schemes[name] = {"type": "http", "scheme": "bearer"}
    return {name: schemes[name] for name in sorted(schemes)}
