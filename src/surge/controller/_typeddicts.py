"""``typing.TypedDict`` bodies on Python 3.11: pydantic reads only ``typing_extensions.TypedDict`` there.

A handler annotated with a stdlib TypedDict (``from typing import TypedDict``) gets, at startup,
the same TypedDict rebuilt with ``typing_extensions`` (same name, keys, required keys and
nested TypedDicts), so it validates and documents as on Python 3.12+.
"""

from __future__ import annotations

import sys
import types
import typing
from typing import Any, Union, get_args, get_origin

import typing_extensions

__all__ = ["is_typeddict", "readable_typeddicts"]

is_typeddict = typing_extensions.is_typeddict
"""True for a TypedDict of either module (``typing.is_typeddict`` misses typing_extensions' on 3.11)."""

_make_typeddict: Any = typing_extensions.TypedDict  # the functional form, with a computed name
_WRAPPERS = (typing.Required, typing.NotRequired, typing_extensions.Required, typing_extensions.NotRequired)


def readable_typeddicts(annotation: Any) -> Any:
    """``annotation`` with every stdlib TypedDict in it rebuilt with typing_extensions (Python < 3.12)."""
    if sys.version_info >= (3, 12):
        return annotation
    return _convert(annotation, {})


def _convert(annotation: Any, done: dict[Any, Any]) -> Any:
    if typing.is_typeddict(annotation):  # on 3.11 this is True only for the stdlib's
        if annotation not in done:
            done[annotation] = annotation  # a self-reference stays as it is
            done[annotation] = _rebuild(annotation, done)
        return done[annotation]
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is None or not args:
        return annotation
    if origin is typing.Annotated:
        inner = _convert(args[0], done)
        return annotation if inner is args[0] else typing.Annotated[(inner, *annotation.__metadata__)]
    converted = tuple(_convert(arg, done) if not isinstance(arg, (str, int)) else arg for arg in args)
    if all(new is old for new, old in zip(converted, args, strict=True)):
        return annotation
    if origin in (Union, types.UnionType):
        return Union[converted]  # noqa: UP007 - built from a tuple
    return types.GenericAlias(origin, converted)


def _rebuild(cls: Any, done: dict[Any, Any]) -> Any:
    fields: dict[str, Any] = {}
    for key, hint in typing.get_type_hints(cls, include_extras=True).items():
        required = key in cls.__required_keys__
        if get_origin(hint) in _WRAPPERS:
            # stated on the key: wins over the class's (3.11 misses it in string annotations)
            required = get_origin(hint) in (typing.Required, typing_extensions.Required)
            hint = get_args(hint)[0]
        wrap = typing_extensions.Required if required else typing_extensions.NotRequired
        fields[key] = wrap[_convert(hint, done)]
    rebuilt: Any = _make_typeddict(cls.__name__, fields)
    rebuilt.__module__, rebuilt.__qualname__, rebuilt.__doc__ = cls.__module__, cls.__qualname__, cls.__doc__
    return rebuilt
