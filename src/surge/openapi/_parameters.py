"""Query, header, cookie and path parameters as OpenAPI describes them."""

from __future__ import annotations

from typing import Any

from surge.controller.params import HandlerParams

__all__ = ["lift", "request_fields", "shown"]


def request_fields(params: HandlerParams) -> dict[str, dict[str, tuple[Any, Any]]]:
    """The endpoint's query, header and cookie parameters, by location (name -> (annotation, default))."""
    return {"query": params.query, "header": params.headers, "cookie": params.cookies}


def shown(params: HandlerParams, name: str) -> bool:
    """False for a parameter whose marker says ``include_in_schema=False``."""
    marker = params.markers.get(name)
    return marker is None or marker.include_in_schema


def lift(parameter: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """``parameter`` with ``schema``; a description and deprecation move to the parameter, as OpenAPI has them."""
    description = schema.pop("description", None)
    if description:
        parameter["description"] = description
    if schema.pop("deprecated", False):
        parameter["deprecated"] = True
    parameter["schema"] = schema
    return parameter
