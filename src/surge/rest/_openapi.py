"""What OpenAPI says about a resource's operations: responses, error bodies, security."""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from surge.controller.decorators import Descriptor

if TYPE_CHECKING:
    from surge.rest._protocols import ApiContext
    from surge.rest._resource import ResourceSpec

__all__ = ["ErrorBody", "ValidationErrorBody", "ValidationErrorItem", "allows_anyone", "responses", "security"]


class ErrorBody(BaseModel):
    """The body of a REST error response."""

    detail: Any


class ValidationErrorItem(BaseModel):
    """One field error."""

    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorBody(BaseModel):
    """The body of a 422 response of a REST resource."""

    detail: list[ValidationErrorItem]


def allows_anyone(spec: ResourceSpec, method: str) -> bool:
    """True when ``method`` of a secured resource is open to anonymous clients (token optional)."""
    from surge.rest.authentication import AllowAny

    assert spec.authentication is not None
    chosen = spec.authentication.permission_for(method)
    return chosen is AllowAny or isinstance(chosen, AllowAny)


def security(spec: ResourceSpec, api: ApiContext) -> tuple[list[dict[str, list[str]]] | None, dict[str, Any]]:
    """The security requirement and scheme of a resource's backend (None: not secured)."""
    auth = spec.authentication
    if auth is None or auth.backend is None:
        return None, {}
    backend: Any = auth.backend() if inspect.isclass(auth.backend) else auth.backend
    describe = getattr(backend, "openapi", None)
    if callable(describe):
        name, scheme = describe(api)
    else:
        name, scheme = "restAuth", {"type": "http", "scheme": "bearer"}
    return [{name: []}], {name: scheme}


def responses(spec: ResourceSpec, operation: str, status: int, body: type[BaseModel] | None, secured: bool) -> list[Descriptor]:
    """The documented responses of one operation, with their body schemas."""
    assert spec.schemas is not None
    found: list[Descriptor] = []
    success = {
        "list": spec.list_model,
        "retrieve": spec.schemas.read,
        "create": spec.schemas.write,
        "update": spec.schemas.write,
        "partial_update": spec.schemas.write,
    }.get(operation)
    if success is not None:
        found.append(Descriptor(status=status, description="Success", body=success))
    if operation != "list" and operation != "create":
        found.append(Descriptor(status=404, description="Not found", body=ErrorBody))
    if operation in ("update", "partial_update"):
        found.append(Descriptor(status=409, description="Version conflict, or a unique value taken", body=ErrorBody))
    if operation == "create":
        found.append(Descriptor(status=409, description="A unique value is taken", body=ErrorBody))
    if operation in ("list", "create", "update", "partial_update") or body is not None:
        found.append(Descriptor(status=422, description="Validation error", body=ValidationErrorBody))
    if operation == "list" and spec.pagination is not None and spec.pagination.style == "cursor":
        found.append(Descriptor(status=400, description="Invalid cursor", body=ErrorBody))
    if secured or (spec.authentication is not None and spec.authentication.permission is not None):
        found.append(Descriptor(status=401, description="Authentication credentials invalid", body=ErrorBody))
        found.append(Descriptor(status=403, description="Permission denied", body=ErrorBody))
    if spec.authentication is not None and spec.authentication.rate_limiter is not None:
        found.append(Descriptor(status=429, description="Too many requests", body=ErrorBody))
    return found

