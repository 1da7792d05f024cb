"""Declarative REST resources: one annotated class is a table, its schemas and its CRUD routes.

LightAPI's model, native to Surge: resources are served by the :class:`RestApi` extension
next to ordinary controllers, on the app's SqlDatabase (async SQLAlchemy), with its
OpenAPI document. Needs the ``rest`` extra (``pip install "surge[rest]"``).

Names that mean something else elsewhere in Surge carry a ``Rest`` prefix
(``RestAuthentication``, ``RestCache``, ``RestMiddleware``, ``RestBasicAuthentication``,
``RestJWTAuthentication``); LightAPI's spellings (``Authentication``, ``Cache``,
``Middleware``, ``BasicAuthentication``, ``JWTAuthentication``) are the same classes.
"""

# ruff: noqa: E402 - the extra is checked before anything imports sqlalchemy

from surge.extension import require as _require

_require("sqlalchemy", "rest")  # a missing extra says: pip install "surge[rest]"

from surge.rest.authentication import (
    AllowAny,
    AppAuthentication,
    BaseAuthentication,
    BasePermission,
    BasicAuthentication,
    IsAdminUser,
    IsAuthenticated,
    JWTAuthentication,
    RestBasicAuthentication,
    RestJWTAuthentication,
)
from surge.rest.config import RestApiConfig
from surge.rest.endpoint import RestEndpoint
from surge.rest.errors import ConfigurationError, RestError
from surge.rest.extension import RestApi
from surge.rest.fields import Field
from surge.rest.filters import BaseFilter, FieldFilter, OrderingFilter, SearchFilter
from surge.rest.middleware import Middleware, RestMiddleware
from surge.rest.options import (
    Authentication,
    Cache,
    Filtering,
    HttpMethod,
    Pagination,
    RateLimit,
    RestAuthentication,
    RestCache,
    Serializer,
)
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
    "RestAuthentication",
    "RestBasicAuthentication",
    "RestCache",
    "RestEndpoint",
    "RestError",
    "RestJWTAuthentication",
    "RestMiddleware",
    "SearchFilter",
    "Serializer",
    "get_async_session",
]
