"""Declarative REST resources: one annotated class is a table, its schemas and its CRUD routes.

LightAPI's model, native to Surge: resources are served by the :class:`RestApi` extension
next to ordinary controllers, on the app's SqlDatabase (async SQLAlchemy), with its
OpenAPI document. Needs the ``rest`` extra (``pip install "surge[rest]"``).
"""

from surge.exceptions.config import MissingDependency as _MissingDependency

try:
    import sqlalchemy  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise _MissingDependency("sqlalchemy", "rest") from exc

from surge.rest.authentication import (
    AllowAny,
    AppAuthentication,
    BaseAuthentication,
    BasePermission,
    BasicAuthentication,
    IsAdminUser,
    IsAuthenticated,
    JWTAuthentication,
)
from surge.rest.config import RestApiConfig
from surge.rest.endpoint import RestEndpoint
from surge.rest.errors import ConfigurationError, RestError
from surge.rest.extension import RestApi
from surge.rest.fields import Field
from surge.rest.filters import BaseFilter, FieldFilter, OrderingFilter, SearchFilter
from surge.rest.middleware import Middleware
from surge.rest.options import Authentication, Cache, Filtering, HttpMethod, Pagination, RateLimit, Serializer
from surge.rest.sessions import get_async_session

__all__ = [
    "AllowAny",
    "AppAuthentication",
    "Authentication",
    "BaseAuthentication",
    "BaseFilter",
    "BasePermission",
    "BasicAuthentication",
    "Cache",
    "ConfigurationError",
    "Field",
    "FieldFilter",
    "Filtering",
    "HttpMethod",
    "IsAdminUser",
    "IsAuthenticated",
    "JWTAuthentication",
    "Middleware",
    "OrderingFilter",
    "Pagination",
    "RateLimit",
    "RestApi",
    "RestApiConfig",
    "RestEndpoint",
    "RestError",
    "SearchFilter",
    "Serializer",
    "get_async_session",
]
