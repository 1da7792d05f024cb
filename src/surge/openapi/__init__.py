"""OpenAPI 3.1: the document generated from the registered controllers, and its docs UIs."""

from surge.openapi.controller import OpenApiController, openapi_enabled, register_openapi
from surge.openapi.examples import openapi_example
from surge.openapi.generator import OPENAPI_VERSION, build_openapi, openapi_path
from surge.openapi.roles import ErrorResponsesProvider, SecuritySchemeProvider

__all__ = [
    "ErrorResponsesProvider",
    "OPENAPI_VERSION",
    "OpenApiController",
    "SecuritySchemeProvider",
    "build_openapi",
    "openapi_enabled",
    "openapi_example",
    "openapi_path",
    "register_openapi",
]
