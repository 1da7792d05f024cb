"""``surge.base_extension``: PyJolt's module path for :class:`BaseExtension`."""

from surge.extension import BaseExtension

__all__ = ["BaseExtension"]
