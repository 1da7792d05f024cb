"""Reading type annotations at startup: unwrap ``Optional``/``Annotated``, spot list-like types.

Plain functions with no Surge imports, shared by the endpoint compiler, dependency
injection and the OpenAPI generator (which all sit above this module).
"""

from __future__ import annotations

import types
import typing
from typing import Any, Union, get_args, get_origin

__all__ = ["is_list_type", "strip_annotated", "strip_optional"]

_SEQUENCE_ORIGINS = (list, set, frozenset, tuple)


def strip_optional(annotation: object) -> Any:
    """``X`` for ``X | None`` (``Optional[X]``); any other annotation unchanged."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def strip_annotated(annotation: object) -> Any:
    """``X`` for ``Annotated[X, ...]``; any other annotation unchanged."""
    if get_origin(annotation) is typing.Annotated:
        return get_args(annotation)[0]
    return annotation


def is_list_type(annotation: object) -> bool:
    """True for ``list[X]``, ``set[X]``, ``tuple[X, ...]`` (optionally Optional or Annotated).

    Such query parameters and form fields take every value sent under their name.
    """
    annotation = strip_optional(strip_annotated(annotation))
    return get_origin(annotation) in _SEQUENCE_ORIGINS or annotation in (list, set, tuple)
