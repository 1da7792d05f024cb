"""``surge.media_types``: PyJolt's module path for :class:`MediaType`."""

from surge.http.media_types import MediaType

__all__ = ["MediaType"]
