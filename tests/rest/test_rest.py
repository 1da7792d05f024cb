"""``surge.rest``: the seed's imports work."""

from __future__ import annotations


def test_seed_names_are_importable() -> None:
    from surge.rest import (  # noqa: F401
        Authentication,
        Cache,
        Field,
        Filtering,
        HttpMethod,
        Middleware,
        Pagination,
        RestEndpoint,
        Serializer,
        get_async_session,
    )
    from surge.rest.authentication import (  # noqa: F401
        AllowAny,
        BasicAuthentication,
        IsAdminUser,
        IsAuthenticated,
        JWTAuthentication,
    )
    from surge.rest.filters import FieldFilter, OrderingFilter, SearchFilter  # noqa: F401
    from surge.rest.yaml import app_from_yaml  # noqa: F401


def test_lightapi_names_are_aliases_of_the_rest_names() -> None:
    """Names that mean something else elsewhere in Surge carry a ``Rest`` prefix; LightAPI's stay as aliases."""
    import surge.rest as rest
    from surge.auth import Authentication as AppLogin
    from surge.auth import BasicAuthentication as AppBasic
    from surge.caching import Cache as AppCache
    from surge.middleware import MiddlewareBase

    aliases = {
        "Authentication": rest.RestAuthentication,
        "Cache": rest.RestCache,
        "Middleware": rest.RestMiddleware,
        "BasicAuthentication": rest.RestBasicAuthentication,
        "JWTAuthentication": rest.RestJWTAuthentication,
    }
    for alias, primary in aliases.items():
        assert getattr(rest, alias) is primary, alias
        assert alias in rest.__all__ and primary.__name__ in rest.__all__
    assert {rest.RestAuthentication, rest.RestCache, rest.RestMiddleware, rest.RestBasicAuthentication}.isdisjoint(
        {AppLogin, AppCache, MiddlewareBase, AppBasic}
    )
