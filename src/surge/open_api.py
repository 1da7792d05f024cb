"""``surge.open_api``: PyJolt's module path for the OpenAPI controller, builder and document model."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from surge.openapi.controller import OpenApiController
from surge.openapi.generator import OPENAPI_VERSION, build_openapi

__all__ = ["OpenAPIController", "OpenApiSpecs", "build_openapi"]

OpenAPIController = OpenApiController
"""PyJolt's spelling of :class:`~surge.openapi.OpenApiController`."""


class OpenApiSpecs(BaseModel):
    """The top level of an OpenAPI document, e.g. ``OpenApiSpecs.model_validate(build_openapi(app))``."""

    model_config = ConfigDict(extra="allow")

    openapi: str = OPENAPI_VERSION
    info: Any = None
    servers: Any = None
    paths: Any = None
    components: Any = None
