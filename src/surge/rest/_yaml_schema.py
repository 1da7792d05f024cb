"""The schema of the declarative YAML file, validated with pydantic (errors name the field)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "AuthSpec",
    "DatabaseSpec",
    "EndpointSpec",
    "FieldSpec",
    "FilteringSpec",
    "MetaSpec",
    "PaginationSpec",
    "RestYaml",
]

FieldType = Literal["str", "int", "float", "bool", "datetime", "date", "decimal", "Decimal", "uuid", "UUID"]
Verb = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DatabaseSpec(_Strict):
    """``database:``"""

    url: str = Field(description="SQLAlchemy URL; sqlite:// and postgresql:// get their async driver")
    options: dict[str, Any] = Field(default_factory=dict, description="More SQL_DATABASE keys (POOL_SIZE, ...)")


class AuthSpec(_Strict):
    """``authentication:`` (in ``defaults`` or an endpoint's ``meta``; unset keys inherit)."""

    backend: str | None = None
    permission: str | None = None
    rate_limiter: dict[str, int] | str | None = None


class PaginationSpec(_Strict):
    """``pagination:``"""

    style: Literal["page_number", "cursor"] = "page_number"
    page_size: int = Field(20, ge=1)


class FilteringSpec(_Strict):
    """``filtering:``"""

    fields: list[str] = Field(default_factory=list)
    search: list[str] = Field(default_factory=list)
    ordering: list[str] = Field(default_factory=list)


class SerializerSpec(_Strict):
    """``serializer:``"""

    fields: list[str] | None = None
    read: list[str] | None = None
    write: list[str] | None = None


class CacheSpec(_Strict):
    """``cache:``"""

    ttl: int = Field(60, ge=1)


class MethodSpec(_Strict):
    """One verb of the dict form of ``methods:``."""

    permission: str | None = None


class MetaSpec(_Strict):
    """An endpoint's ``meta:``."""

    methods: list[Verb] | dict[Verb, MethodSpec | None] | None = None
    authentication: AuthSpec | None = None
    filtering: FilteringSpec | None = None
    pagination: PaginationSpec | None = None
    serializer: SerializerSpec | None = None
    cache: CacheSpec | None = None
    table: str | None = None
    reflect: bool | Literal["partial"] | None = None


class FieldSpec(_Strict):
    """One field: its type, whether it may be null, its constraints and column options."""

    type: FieldType
    optional: bool = False
    default: Any = None
    description: str | None = None
    min_length: int | None = Field(None, ge=0)
    max_length: int | None = Field(None, ge=1)
    pattern: str | None = None
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None
    max_digits: int | None = Field(None, ge=1)
    decimal_places: int | None = Field(None, ge=0)
    unique: bool = False
    index: bool = False
    foreign_key: str | None = None

    @property
    def has_default(self) -> bool:
        """True when ``default`` was written in the file (even as null)."""
        return "default" in self.model_fields_set


class EndpointSpec(_Strict):
    """One entry of ``endpoints:``."""

    route: str = Field(pattern=r"^/")
    name: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    endpoint: str | None = Field(None, description="'module:Class' of a Python RestEndpoint instead of fields")
    fields: dict[str, FieldSpec] = Field(default_factory=dict)
    meta: MetaSpec = Field(default_factory=MetaSpec)
    reflect: bool | Literal["partial"] = False
    table: str | None = None

    @model_validator(mode="after")
    def _has_a_source(self) -> EndpointSpec:
        if self.endpoint is None and not self.fields and not (self.reflect or self.meta.reflect):
            raise ValueError("give fields, reflect: true, or endpoint: 'module:Class'")
        for name in self.fields:
            if not name.isidentifier() or name.startswith("_"):
                raise ValueError(f"field name {name!r} must be a Python identifier not starting with '_'")
        return self


class DefaultsSpec(_Strict):
    """``defaults:``: applied to every endpoint unless its meta says otherwise."""

    authentication: AuthSpec | None = None
    pagination: PaginationSpec | None = None
    cache: CacheSpec | None = None


class RestYaml(_Strict):
    """The whole file."""

    database: DatabaseSpec
    cors_origins: list[str] | None = None
    defaults: DefaultsSpec = Field(default_factory=DefaultsSpec)
    middleware: list[str] = Field(default_factory=list)
    endpoints: list[EndpointSpec] = Field(min_length=1)
    jwt_secret: str | None = None
    login_validator: str | None = None
    rate_limiter: dict[str, int] | str | None = None
    settings: dict[str, Any] = Field(default_factory=dict, description="More Surge config keys (APP_NAME, DEBUG ...)")
