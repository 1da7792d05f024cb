"""The router: static paths by dict lookup, then parameterized rules by regex."""

from __future__ import annotations

from collections.abc import Callable
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
    match: Callable[[str], dict[str, Any] | None] | None = None  # the rule's matcher (parameterized rules)


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
            ImproperlyConfigured: bad rule. DuplicateRoutePath (an ImproperlyConfigured): the
                same method and rule twice.
        """
        from surge.exceptions.runtime_exceptions import DuplicateRoutePath

        normalized = self._normalize(rule)
        entry = self._by_rule.get(normalized)
        if entry is None:
            entry = _PathEntry(parse_rule(normalized))
            self._by_rule[normalized] = entry
            if entry.rule.is_static:
                self._static[entry.rule.rule] = entry
            else:
                entry.match = entry.rule.matcher()
                self._dynamic.append(entry)
                self._dynamic.sort(key=lambda e: e.rule.sort_key)  # stable: ties keep registration order
        method = method.upper()
        if method in entry.methods:
            other = entry.methods[method].name
            raise DuplicateRoutePath(f"Route {method} {rule!r} of {name!r} is already registered by {other!r}")
        route = Route(method=method, rule=entry.rule, name=name, info=info)
        entry.methods[method] = route
        self.routes.append(route)
        self.names.setdefault(name, route)
        return route

    def match(self, method: str, path: str) -> tuple[Route, dict[str, Any]]:
        """Find the route for ``method`` and ``path``, in Werkzeug's rule order.

        A static path is one dict lookup; parameterized rules are tried in
        :attr:`Rule.sort_key` order. A rule that matches the path but not the method lets the
        next matching rule answer (as Werkzeug does); HEAD falls back to GET. Raises:
            NotFound: no rule matches the path.
            MethodNotAllowed: rules match, but none for this method (carries ``Allow``).
        """
        if not self.strict_slashes and len(path) > 1 and path[-1] == "/":
            path = path.rstrip("/") or "/"
        entry = self._static.get(path)
        if entry is not None:
            route = entry.methods.get(method)
            if route is not None:
                return route, {}
        for candidate in self._dynamic:
            params = candidate.match(path)  # type: ignore[misc]  # set for every parameterized rule
            if params is not None:
                route = candidate.methods.get(method)
                if route is not None:
                    return route, params
                if entry is None:
                    entry = candidate
        if entry is None:
            raise NotFound("Endpoint not found")  # PyJolt's words; the path is not echoed back
        return self._other_method(method, path, entry)

    def _other_method(self, method: str, path: str, first: _PathEntry) -> tuple[Route, dict[str, Any]]:
        """HEAD answered by GET, else 405 listing the methods of every rule matching ``path``."""
        matching = [first, *(e for e in self._dynamic if e is not first and e.rule.match(path) is not None)]
        if method == "HEAD":
            for entry in matching:
                route = entry.methods.get("GET")
                if route is not None:
                    return route, ({} if entry.rule.is_static else entry.rule.match(path) or {})
        routes: dict[str, Route] = {}
        allowed: set[str] = set()
        for entry in matching:
            for name, route in entry.methods.items():
                routes.setdefault(name, route)
            allowed.update(self.allowed_methods(entry))
        raise PathMethodNotAllowed(routes, sorted(allowed))

    def allowed_methods_for(self, path: str) -> list[str] | None:
        """Methods allowed on ``path`` (None when no rule matches)."""
        path = self._normalize(path)
        static = self._static.get(path)
        matching = [e for e in self._dynamic if e.rule.match(path) is not None]
        if static is not None:
            matching.insert(0, static)
        if not matching:
            return None
        return sorted({method for entry in matching for method in self.allowed_methods(entry)})

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
