"""Where a handler parameter comes from, as FastAPI users write it.

``limit: Annotated[int, Query(ge=1, le=100, alias="per-page")] = 10``, ``token:
Annotated[str, Header()]``, ``session: Annotated[str | None, Cookie()] = None``, ``item:
Annotated[Item, Body(embed=True)]``, ``name: Annotated[str, Form()]``, ``photo:
Annotated[UploadedFile, File()]``, ``id: Annotated[int, Path(gt=0)]``. The marker may also be
the default (``limit: int = Query(10, ge=1)``).

Markers only record intent: the endpoint compiler reads them once, at startup, and builds
one pydantic validator per source; the OpenAPI generator shows every constraint.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Any, ClassVar, get_args, get_origin

from pydantic import Field
from pydantic.fields import FieldInfo

__all__ = ["Body", "Cookie", "File", "Form", "Header", "Param", "Path", "Query", "UNSET", "split_marker"]


class _Unset:
    """No default given (``...`` means the same: the parameter is required)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()

_CONSTRAINTS = (
    "gt",
    "ge",
    "lt",
    "le",
    "multiple_of",
    "min_length",
    "max_length",
    "pattern",
    "strict",
    "title",
    "description",
    "examples",
    "json_schema_extra",
)


class Param:
    """A parameter source with pydantic constraints; subclasses name the source.

    Args:
        default: the value when the request does not send one (none or ``...``: required).
        default_factory: called for the default instead (e.g. ``list``).
        alias: the name on the wire (query key, header, cookie, form field, body key).
        gt, ge, lt, le, multiple_of: numeric bounds.
        min_length, max_length, pattern: string and list bounds.
        title, description, examples, deprecated, json_schema_extra: documentation (OpenAPI).
        include_in_schema: False leaves the parameter out of the OpenAPI document.
    """

    location: ClassVar[str] = "query"

    def __init__(
        self,
        default: Any = UNSET,
        *,
        default_factory: Callable[[], Any] | None = None,
        alias: str | None = None,
        gt: float | None = None,
        ge: float | None = None,
        lt: float | None = None,
        le: float | None = None,
        multiple_of: float | None = None,
        min_length: int | None = None,
        max_length: int | None = None,
        pattern: str | None = None,
        strict: bool | None = None,
        title: str | None = None,
        description: str | None = None,
        examples: list[Any] | None = None,
        deprecated: bool | None = None,
        json_schema_extra: dict[str, Any] | None = None,
        include_in_schema: bool = True,
    ) -> None:
        if default is not UNSET and default is not ... and default_factory is not None:
            raise TypeError(f"{type(self).__name__}(): give default or default_factory, not both")
        self.default = UNSET if default is ... else default
        self.default_factory = default_factory
        self.alias = alias
        self.include_in_schema = include_in_schema
        values = (
            gt, ge, lt, le, multiple_of, min_length, max_length, pattern, strict,
            title, description, examples, json_schema_extra,
        )  # fmt: skip
        self.constraints: dict[str, Any] = {
            key: value for key, value in zip(_CONSTRAINTS, values, strict=True) if value is not None
        }
        self.deprecated = bool(deprecated)
        if self.deprecated:  # documentation only: a pydantic deprecated field warns on every read
            self.constraints["json_schema_extra"] = {**(json_schema_extra or {}), "deprecated": True}

    @property
    def has_default(self) -> bool:
        """True when the marker itself gives a default (or a default factory)."""
        return self.default is not UNSET or self.default_factory is not None

    def field_info(self) -> FieldInfo:
        """The constraints and documentation as pydantic ``Field`` metadata (no default, no alias)."""
        info: FieldInfo = Field(**self.constraints)
        return info

    def annotate(self, annotation: Any) -> Any:
        """``annotation`` with the constraints attached (unchanged when there are none)."""
        if not self.constraints:
            return annotation
        return typing.Annotated[annotation, self.field_info()]

    def wire_name(self, name: str) -> str:
        """The name the request uses for the parameter ``name``."""
        return self.alias or name

    def __repr__(self) -> str:
        shown = {"default": self.default} if self.default is not UNSET else {}
        shown |= {"alias": self.alias} if self.alias else {}
        args = ", ".join(f"{key}={value!r}" for key, value in (shown | self.constraints).items())
        return f"{type(self).__name__}({args})"


class Query(Param):
    """A query-string parameter (what an unmarked scalar parameter is anyway)."""

    location = "query"


class Header(Param):
    """A request header; the name is the parameter's with ``_`` turned into ``-`` (case-insensitive).

    ``convert_underscores=False`` keeps the name as written; ``alias`` names the header.
    """

    location = "header"

    def __init__(self, default: Any = UNSET, *, convert_underscores: bool = True, **options: Any) -> None:
        super().__init__(default, **options)
        self.convert_underscores = convert_underscores

    def wire_name(self, name: str) -> str:
        """The header's name, lowercase (ASGI sends them lowercase)."""
        if self.alias:
            return self.alias.lower()
        return (name.replace("_", "-") if self.convert_underscores else name).lower()


class Cookie(Param):
    """A request cookie."""

    location = "cookie"


class Path(Param):
    """A route parameter with constraints (``alias``: its name in the route rule)."""

    location = "path"


class Body(Param):
    """The JSON body, or (``embed=True``, or several ``Body`` parameters) one key of it.

    ``item: Annotated[Item, Body(embed=True)]`` reads ``{"item": {...}}``.
    """

    location = "body"

    def __init__(self, default: Any = UNSET, *, embed: bool = False, media_type: str = "application/json", **options: Any):
        super().__init__(default, **options)
        self.embed = embed
        self.media_type = media_type


class Form(Param):
    """A form field (``application/x-www-form-urlencoded`` or ``multipart/form-data``).

    A pydantic model annotated ``Form()`` receives the whole form.
    """

    location = "form"


class File(Param):
    """An uploaded file of a multipart form: ``UploadedFile``, ``list[UploadedFile]`` or ``bytes``."""

    location = "file"


def split_marker(annotation: Any, default: Any, missing: Any = UNSET) -> tuple[Param | None, Any, Any]:
    """``(marker, annotation without it, default)`` for one handler parameter.

    The marker is the last :class:`Param` in ``Annotated[...]`` metadata, or the default
    itself (``= Query(10)``, whose own default becomes the parameter's). ``missing`` stands
    for "no default", in ``default`` and in the result.

    Raises:
        TypeError: the marker inside ``Annotated`` sets a default while the parameter has one too.
    """
    if default is ...:  # ``x: Annotated[list[str], Query(default_factory=list)] = ...``
        default = missing
    if isinstance(default, Param):
        return default, annotation, missing if default.default is UNSET else default.default
    if get_origin(annotation) is not typing.Annotated:
        return None, annotation, default
    base, *metadata = get_args(annotation)
    markers = [meta for meta in metadata if isinstance(meta, Param)]
    if not markers:
        return None, annotation, default
    marker = markers[-1]
    rest = [meta for meta in metadata if not isinstance(meta, Param)]
    stripped = typing.Annotated[(base, *rest)] if rest else base
    if marker.default is not UNSET:
        if default is not missing:
            raise TypeError(f"{marker!r}: give the default in Annotated or after '=', not both")
        default = marker.default
    return marker, stripped, default
