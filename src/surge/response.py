"""``surge.response``: the seed's module path for :class:`Response`."""

from surge.http.response import Response

__all__ = ["Response"]
