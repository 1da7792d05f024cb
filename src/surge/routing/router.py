"""The router: static paths by dict lookup, then parameterized rules by regex."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from surge.exceptions.http import MethodNotAllowed, NotFound
from surge.routing.rules import Rule, parse_rule

__all__ = ["PathMethodNotAllowed", "Route", "Router"]


@dataclass(slots=True, eq=False)
class Route:
    """One (method, rule) pair bound to an endpoint.

    ``handler`` is the compiled endpoint (set when the app compiles); ``info`` is what the
    app knows about the endpoint (controller, function, spec) for OpenAPI and tooling;
    ``cors`` is the endpoint's CORS policy, compiled once (None: CORS off for it).
    """

    method: str
    rule: Rule
    name: str
    handler: Any = None
    info: Any = None
    cors: object = None


class PathMethodNotAllowed(MethodNotAllowed):
    """The path matched, but not for this method: carries the path's routes by method.

    A CORS preflight (``OPTIONS``) reads the route of the method it asks about from here, so
    answering it takes one router match.
    """

    def __init__(self, routes: dict[str, Route], allowed: list[str]) -> None:
        super().__init__(allowed)
        self.routes = routes


@dataclass(slots=True)
class _PathEntry:
    rule: Rule
    methods: dict[str, Route] = field(default_factory=dict)


class Router:
    """Maps (method, path) to a :class:`Route` and its converted parameters.

    With ``strict_slashes=False`` (the default, as the seed's STRICT_SLASHES) a trailing slash is
    ignored both in rules and in request paths.
    """

    def __init__(self, strict_slashes: bool = False) -> None:
        self.strict_slashes = strict_slashes
        self._static: dict[str, _PathEntry] = {}
        self._dynamic: list[_PathEntry] = []
        self._by_rule: dict[str, _PathEntry] = {}
        self.routes: list[Route] = []
        self.names: dict[str, Route] = {}

    def _normalize(self, path: str) -> str:
        if not self.strict_slashes and len(path) > 1 and path.endswith("/"):
            return path.rstrip("/") or "/"
        return path

    def add(self, method: str, rule: str, name: str, info: Any = None) -> Route:
        """Register a route.

        Raises:
            ImproperlyConfigured: bad rule, or the same method and rule twice.
        """
        from surge.exceptions.config import ImproperlyConfigured

        normalized = self._normalize(rule)
        entry = self._by_rule.get(normalized)
        if entry is None:
            entry = _PathEntry(parse_rule(normalized))
            self._by_rule[normalized] = entry
            if entry.rule.is_static:
                self._static[entry.rule.rule] = entry
            else:
                self._dynamic.append(entry)
                self._dynamic.sort(key=lambda e: e.rule.static_weight)
        method = method.upper()
        if method in entry.methods:
            other = entry.methods[method].name
            raise ImproperlyConfigured(f"Route {method} {rule!r} of {name!r} is already registered by {other!r}")
        route = Route(method=method, rule=entry.rule, name=name, info=info)
        entry.methods[method] = route
        self.routes.append(route)
        self.names.setdefault(name, route)
        return route

    def match(self, method: str, path: str) -> tuple[Route, dict[str, Any]]:
        """Find the route for ``method`` and ``path``.

        HEAD falls back to GET. Raises:
            NotFound: no rule matches the path.
            MethodNotAllowed: a rule matches, but not for this method (carries ``Allow``).
        """
        if not self.strict_slashes and len(path) > 1 and path[-1] == "/":
            path = path.rstrip("/") or "/"
        entry = self._static.get(path)
        params: dict[str, Any] | None = {}
        if entry is None:
            for candidate in self._dynamic:
                params = candidate.rule.match(path)
                if params is not None:
                    entry = candidate
                    break
            else:
                raise NotFound(f"No route for {path}")
        route = entry.methods.get(method)
        if route is None:
            if method == "HEAD":
                route = entry.methods.get("GET")
            if route is None:
                raise PathMethodNotAllowed(entry.methods, self.allowed_methods(entry))
        return route, params  # type: ignore[return-value]

    def allowed_methods_for(self, path: str) -> list[str] | None:
        """Methods allowed on ``path`` (None when no rule matches)."""
        path = self._normalize(path)
        entry = self._static.get(path)
        if entry is None:
            entry = next((e for e in self._dynamic if e.rule.match(path) is not None), None)
        return None if entry is None else self.allowed_methods(entry)

    @staticmethod
    def allowed_methods(entry: _PathEntry) -> list[str]:
        methods = set(entry.methods)
        if "GET" in methods:
            methods.add("HEAD")
        methods.add("OPTIONS")
        return sorted(methods)

    def url_for(self, name: str, values: dict[str, Any]) -> str:
        """Build the URL of the route called ``name``.

        Raises:
            KeyError: no route has that name.
        """
        route = self.names.get(name)
        if route is None:
            raise KeyError(f"No endpoint named {name!r}")
        return route.rule.build(values)
