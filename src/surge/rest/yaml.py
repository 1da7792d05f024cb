"""Boot a REST API from a declarative YAML file, with no Python classes.

``app = app_from_yaml("api.yaml")`` reads the file, substitutes ``${VAR}`` (and
``${VAR:-default}``) from the environment, validates it (an error names the offending
field, e.g. ``endpoints[0].fields.price.type``), builds one ``RestEndpoint`` class per
entry and returns a Surge app serving them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from surge._imports import import_string
from surge.exceptions.config import ImproperlyConfigured
from surge.extension import require
from surge.rest._yaml_schema import AuthSpec, EndpointSpec, FieldSpec, MethodSpec, RestYaml, Verb
from surge.rest.errors import ConfigurationError

if TYPE_CHECKING:
    from surge.app import Surge
    from surge.config import BaseConfig
    from surge.rest.options import RestAuthentication

__all__ = ["app_from_yaml", "load_yaml", "substitute_env"]

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_NAMED = {
    "JWTAuthentication": "surge.rest.authentication:RestJWTAuthentication",
    "BasicAuthentication": "surge.rest.authentication:RestBasicAuthentication",
    "RestJWTAuthentication": "surge.rest.authentication:RestJWTAuthentication",
    "RestBasicAuthentication": "surge.rest.authentication:RestBasicAuthentication",
    "AllowAny": "surge.rest.authentication:AllowAny",
    "IsAuthenticated": "surge.rest.authentication:IsAuthenticated",
    "IsAdminUser": "surge.rest.authentication:IsAdminUser",
}


def substitute_env(value: object, environ: Mapping[str, str], where: str = "") -> Any:
    """``value`` with every ``${VAR}`` / ``${VAR:-default}`` in its strings replaced.

    Raises:
        ConfigurationError: a variable without a default is not set (naming it and where).
    """
    if isinstance(value, str):

        def replace(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            found = environ.get(name)
            if found is None:
                if default is None:
                    raise ConfigurationError(f"{where or 'YAML'}: environment variable {name} is not set")
                return default
            return found

        return _VAR.sub(replace, value)
    if isinstance(value, dict):
        return {key: substitute_env(item, environ, f"{where}.{key}" if where else str(key)) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute_env(item, environ, f"{where}[{index}]") for index, item in enumerate(value)]
    return value


def _location(loc: tuple[int | str, ...]) -> str:
    """``("endpoints", 0, "fields", "price", "type")`` -> ``endpoints[0].fields.price.type``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif "[" in str(part) or str(part).startswith("function-"):
            continue  # pydantic's tag of a union member, not a key of the file
        else:
            text += f".{part}" if text else str(part)
    return text


def load_yaml(path: str | os.PathLike[str], environ: Mapping[str, str] | None = None) -> RestYaml:
    """Read, substitute and validate the file.

    Raises:
        ConfigurationError: unreadable file, YAML syntax error, unset variable, or a schema
            error (the message names each offending field).
    """
    yaml = require("yaml", "rest", package="pyyaml")
    try:
        with open(path, encoding="utf-8") as handle:
            raw = yaml.safe_load(handle)
    except OSError as exc:
        raise ConfigurationError(f"Cannot read {os.fspath(path)!r}: {exc}") from None
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"{os.fspath(path)!r} is not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigurationError(f"{os.fspath(path)!r} must hold a mapping (database:, endpoints: ...)")
    raw = substitute_env(raw, os.environ if environ is None else environ)
    try:
        return RestYaml.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{_location(tuple(error['loc']))}: {error['msg']}" for error in exc.errors())
        raise ConfigurationError(f"Invalid REST configuration in {os.fspath(path)!r}: {problems}") from None


def _async_url(url: str) -> str:
    for sync, driver in (("sqlite://", "sqlite+aiosqlite://"), ("postgresql://", "postgresql+asyncpg://"), ("postgres://", "postgresql+asyncpg://")):
        if url.startswith(sync):
            return driver + url[len(sync) :]
    return url


def _resolve(name: str, where: str) -> Any:
    """A class named in the file: a known short name, ``module:Class`` or ``module.Class``.

    Raises:
        ConfigurationError: naming ``where`` and the known names.
    """
    target = _NAMED.get(name, name)
    if ":" not in target and "." in target:
        module, _, attr = target.rpartition(".")
        target = f"{module}:{attr}"
    if ":" not in target:
        raise ConfigurationError(f"{where}: unknown name {name!r} (known: {', '.join(_NAMED)}; or 'module:Class')")
    try:
        return import_string(target, where)
    except ImproperlyConfigured as exc:
        raise ConfigurationError(str(exc)) from None


def _field(spec: FieldSpec, where: str) -> tuple[Any, Any]:
    import datetime
    import uuid
    from decimal import Decimal

    from surge.rest.fields import Field

    python = {
        "str": str,
        "int": int,
        "float": float,
        "bool": bool,
        "datetime": datetime.datetime,
        "date": datetime.date,
        "decimal": Decimal,
        "Decimal": Decimal,
        "uuid": uuid.UUID,
        "UUID": uuid.UUID,
    }[spec.type]
    annotation: Any = python | None if spec.optional else python
    constraints = {
        key: getattr(spec, key)
        for key in ("description", "min_length", "max_length", "pattern", "ge", "gt", "le", "lt", "max_digits", "decimal_places")
        if getattr(spec, key) is not None
    }
    default: Any = spec.default if spec.has_default else (None if spec.optional else ...)
    info = Field(default, unique=spec.unique, index=spec.index, foreign_key=spec.foreign_key, **constraints)
    return annotation, info


def _authentication(
    spec: AuthSpec | None, defaults: AuthSpec | None, methods: list[Verb] | dict[Verb, MethodSpec | None] | None, where: str
) -> RestAuthentication | None:
    from surge.rest.options import RestAuthentication

    merged: dict[str, Any] = {}
    for source in (defaults, spec):
        if source is not None:
            merged.update(source.model_dump(exclude_unset=True))
    per_method = {}
    if isinstance(methods, dict):
        for verb, item in methods.items():
            if item is not None and item.permission is not None:
                per_method[verb] = _resolve(item.permission, f"{where}.meta.methods.{verb}.permission")
    if not merged and not per_method:
        return None
    backend = _resolve(merged["backend"], f"{where}.authentication.backend") if merged.get("backend") else None
    permission: Any = _resolve(merged["permission"], f"{where}.authentication.permission") if merged.get("permission") else None
    if per_method:
        permission = {verb: per_method.get(verb, permission) for verb in ("GET", "POST", "PUT", "PATCH", "DELETE")}
        permission = {verb: value for verb, value in permission.items() if value is not None}
    try:
        return RestAuthentication(backend=backend, permission=permission, rate_limiter=merged.get("rate_limiter"))
    except ValueError as exc:
        raise ConfigurationError(f"{where}.authentication.rate_limiter: {exc}") from None


def _endpoint_class(document: RestYaml, spec: EndpointSpec, index: int) -> type:
    from surge.rest.endpoint import RestEndpoint
    from surge.rest.options import Filtering, HttpMethod, Pagination, RestCache, Serializer

    where = f"endpoints[{index}]"
    if spec.endpoint is not None:
        return import_string(spec.endpoint, f"{where}.endpoint")
    segment = spec.route.rstrip("/").rsplit("/", 1)[-1] or f"resource{index}"
    table = spec.table or spec.meta.table or re.sub(r"\W", "_", segment)
    name = spec.name or "".join(part.capitalize() for part in re.split(r"[\W_]+", segment) if part) + "Endpoint"
    meta = spec.meta
    defaults = document.defaults
    attributes: dict[str, Any] = {"table": table}
    reflect = meta.reflect if meta.reflect is not None else spec.reflect
    if reflect:
        attributes["reflect"] = reflect
    authentication = _authentication(meta.authentication, defaults.authentication, meta.methods, where)
    if authentication is not None:
        attributes["authentication"] = authentication
    pagination = meta.pagination or defaults.pagination
    if pagination is not None:
        attributes["pagination"] = Pagination(pagination.style, pagination.page_size)
    if meta.filtering is not None:
        attributes["filtering"] = Filtering(**meta.filtering.model_dump())
    if meta.serializer is not None:
        attributes["serializer"] = Serializer(**meta.serializer.model_dump())
    cache = meta.cache or defaults.cache
    if cache is not None:
        attributes["cache"] = RestCache(cache.ttl)
    namespace: dict[str, Any] = {"__module__": __name__, "__qualname__": name, "Meta": type("Meta", (), attributes)}
    annotations: dict[str, Any] = {}
    for field_name, field_spec in spec.fields.items():
        annotations[field_name], namespace[field_name] = _field(field_spec, f"{where}.fields.{field_name}")
    namespace["__annotations__"] = annotations
    bases: list[type] = [RestEndpoint]
    if meta.methods is not None:
        bases.extend(getattr(HttpMethod, verb) for verb in meta.methods)
    try:
        return type(name, tuple(bases), namespace)
    except ConfigurationError as exc:
        raise ConfigurationError(f"{where} ({spec.route}): {exc}") from None


def app_from_yaml(path: str | os.PathLike[str], environ: Mapping[str, str] | None = None, **settings: object) -> Surge[BaseConfig]:
    """A Surge app serving the resources the YAML file at ``path`` declares.

    Args:
        environ: variables for ``${VAR}`` (default: ``os.environ``).
        settings: more Surge config keys (they win over the file's ``settings:``).

    Raises:
        ConfigurationError: the file is invalid (naming the field), or a resource cannot be
            built (naming the endpoint).
    """
    from surge import BaseConfig
    from surge.app import Surge
    from surge.database.sql import SqlDatabase
    from surge.middleware.base import MiddlewareBase
    from surge.rest.extension import RestApi
    from surge.rest.middleware import RestMiddleware

    document = load_yaml(path, environ)
    config: dict[str, Any] = {"DEBUG": False, **document.settings, **settings}
    config["SQL_DATABASE"] = {**document.database.options, "DATABASE_URI": _async_url(document.database.url)}
    rest_config: dict[str, Any] = {}
    if document.jwt_secret:
        rest_config["JWT_SECRET"] = document.jwt_secret
    if document.login_validator:
        rest_config["LOGIN_VALIDATOR"] = document.login_validator
    if document.rate_limiter is not None:
        rest_config["RATE_LIMIT"] = document.rate_limiter
    app_middleware: list[type[MiddlewareBase]] = []
    rest_middleware: list[type[RestMiddleware]] = []
    cors = document.cors_origins is not None
    for index, entry in enumerate(document.middleware):
        if entry == "CORSMiddleware":
            cors = True
            continue
        target = _resolve(entry, f"middleware[{index}]")
        if isinstance(target, type) and issubclass(target, MiddlewareBase):
            app_middleware.append(target)
        elif isinstance(target, type) and issubclass(target, RestMiddleware):
            rest_middleware.append(target)
        else:
            raise ConfigurationError(
                f"middleware[{index}]: {entry!r} is neither a surge.rest.RestMiddleware nor a surge MiddlewareBase subclass"
            )
    config.setdefault("CORS_ENABLED", cors)
    if document.cors_origins is not None:
        config.setdefault("CORS_ALLOW_ORIGINS", document.cors_origins)
    config["REST_API"] = rest_config
    app: Surge[BaseConfig] = Surge("surge.rest.yaml", configs=BaseConfig(**config))
    for middleware in app_middleware:
        app.add_middleware(middleware)
    db = SqlDatabase()
    app.add_extension(db)
    endpoints = {spec.route: _endpoint_class(document, spec, index) for index, spec in enumerate(document.endpoints)}
    app.add_extension(RestApi(db=db, middlewares=rest_middleware, endpoints=endpoints))
    return app
