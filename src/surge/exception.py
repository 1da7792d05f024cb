"""``surge.exception``: the module path the seed's examples import from (``surge.exceptions``)."""

from surge.exceptions import *  # noqa: F403
from surge.exceptions import __all__ as __all__
