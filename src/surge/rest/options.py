"""The ``Meta`` options of a resource and the ``HttpMethod`` mixins.

They are plain declarations, checked once when the endpoint class is created; the resource
compiler turns them into query models, SQL and pipeline steps at startup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, ClassVar, Literal, TypeAlias

if TYPE_CHECKING:
    from surge.rest.authentication import BaseAuthentication, BasePermission

__all__ = [
    "Authentication",
    "BackendSpec",
    "Cache",
    "Filtering",
    "HttpMethod",
    "Pagination",
    "PermissionSpec",
    "RateLimit",
    "RestAuthentication",
    "RestCache",
    "Serializer",
    "VERBS",
    "allowed_methods",
]

BackendSpec: TypeAlias = "type[BaseAuthentication] | BaseAuthentication"
"""An authentication backend: a class (made once per resource) or an instance."""

PermissionSpec: TypeAlias = "type[BasePermission] | BasePermission"
"""A permission: a class (made once per resource) or an instance."""

VERBS = ("GET", "POST", "PUT", "PATCH", "DELETE")
"""The verbs a resource can serve, in the order OpenAPI lists them."""


class _MethodMixin:
    """Base of the ``HttpMethod.*`` mixins: each enables one verb."""

    _http_method: ClassVar[str]


class HttpMethod:
    """Mix these into a ``RestEndpoint`` to expose only some verbs (all five when none is mixed in).

    ``HttpMethod.GET`` enables both the list and the retrieve route; the others answer 405
    with an ``Allow`` header.
    """

    class GET(_MethodMixin):
        _http_method = "GET"

    class POST(_MethodMixin):
        _http_method = "POST"

    class PUT(_MethodMixin):
        _http_method = "PUT"

    class PATCH(_MethodMixin):
        _http_method = "PATCH"

    class DELETE(_MethodMixin):
        _http_method = "DELETE"


def allowed_methods(cls: type) -> frozenset[str]:
    """The verbs the ``HttpMethod`` mixins of ``cls`` enable (all when there are none)."""
    found = {base._http_method for base in cls.__mro__ if issubclass(base, _MethodMixin) and base is not _MethodMixin}
    return frozenset(found) if found else frozenset(VERBS)


class Serializer:
    """Which fields responses carry: ``fields`` for every verb, or ``read`` (GET) and ``write``
    (POST, PUT, PATCH) separately.

    Use an instance (``Serializer(fields=["id", "name"])``) or a subclass with class
    attributes (``read = [...]``), which several endpoints can share. ``None`` means every
    field.
    """

    fields: ClassVar[Sequence[str] | None] = None
    read: ClassVar[Sequence[str] | None] = None
    write: ClassVar[Sequence[str] | None] = None

    def __init__(
        self,
        fields: Sequence[str] | None = None,
        read: Sequence[str] | None = None,
        write: Sequence[str] | None = None,
    ) -> None:
        # Instance attributes shadow the class defaults, so a subclass's lists stay shared.
        if fields is not None:
            self.fields = list(fields)  # type: ignore[misc]
        if read is not None:
            self.read = list(read)  # type: ignore[misc]
        if write is not None:
            self.write = list(write)  # type: ignore[misc]

    @staticmethod
    def resolve(value: object) -> tuple[list[str] | None, list[str] | None]:
        """``(read_fields, write_fields)`` of a Serializer instance or subclass (None: all).

        Raises:
            TypeError: ``value`` is neither.
        """
        if value is None:
            return None, None
        if not (isinstance(value, Serializer) or (isinstance(value, type) and issubclass(value, Serializer))):
            raise TypeError(f"must be a Serializer instance or subclass, got {value!r}")
        everything = value.fields
        read = value.read if value.read is not None else everything
        write = value.write if value.write is not None else everything
        return (None if read is None else list(read)), (None if write is None else list(write))


class Filtering:
    """Query-string filters of the list route; only the fields named here can be reached.

    Args:
        backends: filter classes to run; default: the ones whose lists are given
            (``FieldFilter`` for ``fields``, ``SearchFilter`` for ``search``,
            ``OrderingFilter`` for ``ordering``).
        fields: exact-match filters, one query parameter per field (``?category=news``).
        search: fields that ``?search=`` matches case-insensitively (substring).
        ordering: fields ``?ordering=`` may sort by (``-`` prefix: descending).
    """

    def __init__(
        self,
        backends: Sequence[type] | None = None,
        fields: Sequence[str] = (),
        search: Sequence[str] = (),
        ordering: Sequence[str] = (),
    ) -> None:
        self.fields = list(fields)
        self.search = list(search)
        self.ordering = list(ordering)
        if backends is None:
            from surge.rest.filters import FieldFilter, OrderingFilter, SearchFilter

            chosen: list[type] = []
            if self.fields:
                chosen.append(FieldFilter)
            if self.search:
                chosen.append(SearchFilter)
            if self.ordering:
                chosen.append(OrderingFilter)
            backends = chosen
        self.backends = list(backends)


class Pagination:
    """Paginate the list route.

    Args:
        style: ``"page_number"`` (``?page=N``; count, pages, next, previous, results) or
            ``"cursor"`` (``?cursor=...``; keyset-based, the same cost on any page).
        page_size: rows per page.
    """

    def __init__(self, style: Literal["page_number", "cursor"] = "page_number", page_size: int = 20) -> None:
        if style not in ("page_number", "cursor"):
            raise ValueError(f"Pagination style must be 'page_number' or 'cursor', got {style!r}")
        if not isinstance(page_size, int) or page_size < 1:
            raise ValueError(f"Pagination page_size must be a positive integer, got {page_size!r}")
        self.style = style
        self.page_size = page_size


class RestCache:
    """Cache the GET responses (list and retrieve) for ``ttl`` seconds (LightAPI's ``Cache``).

    Any successful POST, PUT, PATCH or DELETE on the resource invalidates every cached
    response of it.
    """

    def __init__(self, ttl: int = 60) -> None:
        if not isinstance(ttl, int) or ttl < 1:
            raise ValueError(f"Cache ttl must be a positive number of seconds, got {ttl!r}")
        self.ttl = ttl


class RateLimit:
    """At most ``requests`` requests per ``window`` seconds from one client."""

    def __init__(self, requests: int, window: int = 60) -> None:
        if not isinstance(requests, int) or requests < 1 or not isinstance(window, int) or window < 1:
            raise ValueError(f"A rate limit needs positive integers, got requests={requests!r}, window={window!r}")
        self.requests = requests
        self.window = window

    @classmethod
    def parse(cls, value: object) -> RateLimit | None:
        """A RateLimit from ``{"requests": 5, "window": 60}``, ``"5/minute"`` or a RateLimit.

        Raises:
            ValueError: none of those forms.
        """
        if value is None or isinstance(value, RateLimit):
            return value
        if isinstance(value, Mapping):
            unknown = set(value) - {"requests", "window"}
            if unknown or "requests" not in value:
                raise ValueError(f"expected {{'requests': N, 'window': seconds}}, got {dict(value)!r}")
            return cls(value["requests"], value.get("window", 60))
        if isinstance(value, str):
            from surge.security.limits import parse_limit

            limit = parse_limit(value)
            return cls(limit.amount, limit.window)
        raise ValueError(f"expected {{'requests': N, 'window': seconds}} or '5/minute', got {value!r}")


class RestAuthentication:
    """Who may call a resource (LightAPI's ``Authentication``).

    Args:
        backend: how a request proves who it is: ``RestJWTAuthentication`` (``Authorization:
            Bearer``), ``RestBasicAuthentication``, or a subclass (a class or an instance).
            None: nobody is authenticated.
        permission: a permission class (``AllowAny``, ``IsAuthenticated``, ``IsAdminUser``) for
            every verb, or a mapping ``{"GET": AllowAny, "DELETE": IsAdminUser}``; verbs not in
            the mapping get the default. Default: ``IsAuthenticated`` when there is a backend,
            ``AllowAny`` otherwise.
        rate_limiter: ``{"requests": 5, "window": 60}`` (or ``"5/minute"``) per client.
    """

    def __init__(
        self,
        backend: BackendSpec | None = None,
        permission: PermissionSpec | Mapping[str, PermissionSpec] | None = None,
        rate_limiter: RateLimit | Mapping[str, int] | str | None = None,
    ) -> None:
        self.backend = backend
        self.permission = permission
        self.rate_limiter = RateLimit.parse(rate_limiter)

    def permission_for(self, method: str) -> PermissionSpec | None:
        """The permission class for ``method`` (None: the default)."""
        if isinstance(self.permission, Mapping):
            return self.permission.get(method.upper())
        return self.permission


Authentication = RestAuthentication
"""LightAPI's name for :class:`RestAuthentication` (``surge.auth.Authentication`` is the app's login extension)."""

Cache = RestCache
"""LightAPI's name for :class:`RestCache` (``surge.caching.Cache`` is the app's cache extension)."""
