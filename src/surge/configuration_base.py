"""``surge.configuration_base``: PyJolt's module path for :class:`BaseConfig`."""

from __future__ import annotations

import re

from surge.config import BaseConfig

__all__ = ["BaseConfig", "IMPORT_STR_RE"]

IMPORT_STR_RE = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$")
"""An import string of the registries (``CONTROLLERS``, ``EXTENSIONS``, ...): ``package.module:attribute``."""
