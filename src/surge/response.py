"""``surge.response``: the seed's module path for :class:`Response`."""

from typing import TypeVar

from surge.http.response import Response

__all__ = ["Response", "U"]

U = TypeVar("U")
"""The body type of a ``Response[U]`` (PyJolt's type variable of this module)."""
