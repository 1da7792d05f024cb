"""HTTP primitives: ``surge.http.request``, ``.response``, ``.status``, ``.media_types``, ``.uploads``.

Import the names from ``surge`` (``from surge import Request, Response``); this package keeps
no eager imports so that its low-level modules stay importable from anywhere in the core.
"""

__all__: list[str] = []
