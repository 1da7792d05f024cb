"""64-bit bounds for ``int`` route and query parameters, decided once per endpoint at startup.

An ``int`` parameter accepts -2**63 .. 2**63-1: what databases, JSON peers and the JSON
encoder take, so a 20-digit id is a 422 naming the parameter, never a crash further in. An
annotation that states a bound of its own (``Annotated[int, Field(le=10**30)]``) replaces
that side of the default: that is how an endpoint opts into wider integers.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Sequence
from typing import Annotated, Any, NoReturn, Union, get_args, get_origin

from annotated_types import Ge, Gt, Interval, Le, Lt
from pydantic import ValidationError
from pydantic.fields import FieldInfo

from surge._located import locate
from surge.http.request import Request

__all__ = ["INT64_MAX", "INT64_MIN", "bound_ints", "is_plain_int", "out_of_range"]

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

_CONTAINERS = (list, set, frozenset, tuple, Sequence)


def _bounds(metadata: Iterable[object]) -> tuple[bool, bool]:
    """Whether ``metadata`` (Annotated extras, pydantic ``Field``s) sets a lower and an upper bound."""
    lower = upper = False
    for item in metadata:
        if isinstance(item, FieldInfo):
            inner = _bounds(item.metadata)
            lower, upper = lower or inner[0], upper or inner[1]
        elif isinstance(item, Interval):
            lower = lower or item.ge is not None or item.gt is not None
            upper = upper or item.le is not None or item.lt is not None
        else:
            lower = lower or isinstance(item, Ge | Gt)
            upper = upper or isinstance(item, Le | Lt)
    return lower, upper


def bound_ints(annotation: Any) -> Any:
    """``annotation`` with every ``int`` in it bounded to 64 bits, unless it states its own bound.

    Looks inside ``Optional``/unions, ``Annotated`` and list/set/tuple items; anything else is
    returned unchanged (``bool`` is not an ``int`` here).
    """
    if annotation is int:
        return Annotated[int, Ge(INT64_MIN), Le(INT64_MAX)]
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin is Annotated:
        base, *metadata = args
        if base is int:
            lower, upper = _bounds(metadata)
            extra = ([] if lower else [Ge(INT64_MIN)]) + ([] if upper else [Le(INT64_MAX)])
            return Annotated[(int, *metadata, *extra)] if extra else annotation
        inner = bound_ints(base)
        return annotation if inner is base else Annotated[(inner, *metadata)]
    if origin is Union or origin is types.UnionType or (origin in _CONTAINERS and args):
        bounded = tuple(bound_ints(arg) for arg in args)
        if all(new is old for new, old in zip(bounded, args, strict=True)):
            return annotation
        if origin is Union or origin is types.UnionType:
            return Union[bounded]  # noqa: UP007 - built from a tuple
        return types.GenericAlias(origin, bounded)
    return annotation


def is_plain_int(annotation: object) -> bool:
    """True for ``int`` (and ``Optional[int]``): checked with two comparisons, no validator."""
    if annotation is int:
        return True
    args = get_args(annotation)
    return (get_origin(annotation) is Union or get_origin(annotation) is types.UnionType) and set(args) == {
        int,
        type(None),
    }


def out_of_range(req: Request, name: str, value: int) -> NoReturn:
    """Raise the 422 of an ``int`` route parameter outside 64 bits, naming the parameter."""
    if value > INT64_MAX:
        error: Any = {"type": "less_than_equal", "loc": (name,), "input": value, "ctx": {"le": INT64_MAX}}
    else:
        error = {"type": "greater_than_equal", "loc": (name,), "input": value, "ctx": {"ge": INT64_MIN}}
    exc = ValidationError.from_exception_data("path", [error])
    locate(req.scope, exc, "path")
    raise exc
