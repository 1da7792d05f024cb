"""``@openapi_example``: request and response examples shown by Swagger UI and ReDoc.

Models document their own examples through pydantic (``json_schema_extra={"examples": [...]}``
or ``Field(examples=[...])``), which land in the schema; this decorator adds named examples to
one operation's request body or to one of its responses (an error response too).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic_core import to_jsonable_python

from surge.controller.spec import endpoint_spec

__all__ = ["OperationExample", "apply_examples", "openapi_example"]

_F = TypeVar("_F", bound=Callable[..., Any])
_UNSET: Any = object()
_EXTRA_KEY = "openapi_examples"


@dataclass(frozen=True, slots=True)
class OperationExample:
    """One named example: ``status`` None for the request body, else the response status."""

    name: str
    value: Any
    status: int | None
    summary: str | None


def openapi_example(
    name: str = "example",
    *,
    request: Any = _UNSET,
    response: Any = _UNSET,
    status: int = 200,
    summary: str | None = None,
) -> Callable[[_F], _F]:
    """Document an example request body and/or the example body of the ``status`` response.

    Values may be pydantic models, dataclasses or plain JSON data; stack the decorator for more.
    """

    def decorator(func: _F) -> _F:
        found: list[OperationExample] = endpoint_spec(func).extra.setdefault(_EXTRA_KEY, [])
        if request is not _UNSET:
            found.append(OperationExample(name, to_jsonable_python(request), None, summary))
        if response is not _UNSET:
            found.append(OperationExample(name, to_jsonable_python(response), int(status), summary))
        return func

    return decorator


def _add(content: dict[str, Any], example: OperationExample) -> None:
    if not content:
        content["application/json"] = {}
    for media in content.values():
        entry: dict[str, Any] = {"value": example.value}
        if example.summary:
            entry["summary"] = example.summary
        media.setdefault("examples", {})[example.name] = entry


def apply_examples(operation: dict[str, Any], extra: dict[str, Any]) -> None:
    """Put the endpoint's ``@openapi_example`` values on its request body and responses."""
    for example in extra.get(_EXTRA_KEY, []):
        if example.status is None:
            body = operation.get("requestBody")
            if body is not None:
                _add(body.setdefault("content", {}), example)
            continue
        response = operation["responses"].setdefault(str(example.status), {"description": "Example"})
        _add(response.setdefault("content", {}), example)
