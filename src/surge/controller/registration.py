"""Which routes a controller class contributes: read once, when it is registered."""

from __future__ import annotations

from collections.abc import Iterator

from surge.controller.controller import Controller
from surge.controller.spec import EndpointInfo, controller_spec, find_endpoint_spec
from surge.routing.rules import join_paths

__all__ = ["controller_routes"]


def controller_routes(
    controller: type[Controller], instance: Controller, *, debug: bool, url_path: str | None = None
) -> Iterator[tuple[str, str, EndpointInfo]]:
    """``(method, rule, info)`` for every endpoint method of ``controller``.

    ``@development`` controllers and endpoints are left out unless ``debug``; ``url_path``
    replaces the controller's ``@path`` prefix.
    """
    cspec = controller_spec(controller)
    if cspec.development and not debug:
        return
    prefix = cspec.path if url_path is None else url_path
    for attr_name in dir(controller):
        func = getattr(controller, attr_name, None)
        spec = find_endpoint_spec(func)
        if func is None or spec is None or not spec.methods or (spec.development and not debug):
            continue
        info = EndpointInfo(f"{controller.__name__}.{attr_name}", controller, instance, func, spec, cspec)
        for method, sub_path in spec.methods:
            yield method, join_paths(prefix, sub_path), info
