"""``@tool``: expose an AiInterface method to the model, described from its signature."""

from __future__ import annotations

import asyncio
import inspect
import json
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from surge.exceptions.base import SurgeError
from surge.exceptions.config import ImproperlyConfigured

__all__ = ["AiTool", "ToolArgumentsError", "call_tool", "collect_tools", "parse_tool_arguments", "tool"]

F = TypeVar("F", bound=Callable[..., Any])

_TOOL_ATTR = "__surge_ai_tool__"
_ARGUMENTS_CONFIG = ConfigDict(extra="forbid", arbitrary_types_allowed=True)


@dataclass(frozen=True, slots=True)
class _ToolMarker:
    name: str | None
    description: str | None


@dataclass(frozen=True, slots=True)
class AiTool:
    """The metadata of one tool method, built once when the interface is created.

    Attributes:
        name: the name the model calls it by (``@tool(name=...)`` or the method name).
        description: ``@tool(description=...)`` or the method's docstring.
        attribute: the method's attribute name on the interface.
        parameters: argument name -> annotation, in signature order (``self`` excluded).
        required: the arguments without a default.
        arguments_model: the pydantic model that validates (and converts) the model's arguments.
    """

    name: str
    description: str
    attribute: str
    parameters: dict[str, Any]
    required: tuple[str, ...]
    arguments_model: type[BaseModel]

    @property
    def parameters_schema(self) -> dict[str, Any]:
        """JSON schema of the arguments object (``additionalProperties`` false)."""
        schema = self.arguments_model.model_json_schema(by_alias=True)
        schema.pop("title", None)
        for prop in schema.get("properties", {}).values():
            prop.pop("title", None)
        schema.setdefault("properties", {})
        return schema

    @property
    def schema(self) -> dict[str, Any]:
        """The OpenAI tool definition: ``{"type": "function", "function": {...}}``."""
        return {
            "type": "function",
            "function": {"name": self.name, "description": self.description, "parameters": self.parameters_schema},
        }

    def validate_arguments(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """The keyword arguments for the method, validated and converted to the annotated types.

        Raises:
            pydantic.ValidationError: a required argument is missing, one is unknown or has the
                wrong type.
        """
        validated = self.arguments_model.model_validate(arguments)
        return {name: getattr(validated, f"arg_{index}") for index, name in enumerate(self.parameters)}


class ToolArgumentsError(SurgeError):
    """The model's arguments do not fit the tool; ``str(exc)`` is written for the model to fix them.

    It never quotes the argument values, only where and why they fail.
    """


def _describe(error: ValidationError) -> str:
    problems = []
    for item in error.errors(include_input=False, include_url=False):
        where = ".".join(str(part) for part in item["loc"]) or "arguments"
        problems.append(f"{where}: {item['msg']}")
    return "; ".join(problems)


def parse_tool_arguments(found: AiTool, arguments: str | Mapping[str, Any] | None) -> dict[str, Any]:
    """The keyword arguments of ``found`` from the model's JSON text (or a dict), validated.

    Raises:
        ToolArgumentsError: not JSON, not an object, or not fitting the signature.
    """
    parsed: object = arguments
    if isinstance(arguments, str):
        try:
            parsed = json.loads(arguments) if arguments.strip() else None
        except ValueError:
            raise ToolArgumentsError(f"the arguments of {found.name!r} are not valid JSON") from None
    if parsed is None:
        parsed = {}
    if not isinstance(parsed, Mapping):
        raise ToolArgumentsError(f"the arguments of {found.name!r} must be a JSON object, got {type(parsed).__name__}")
    try:
        return found.validate_arguments(dict(parsed))
    except ValidationError as exc:
        raise ToolArgumentsError(f"invalid arguments for {found.name!r}: {_describe(exc)}") from exc


async def call_tool(owner: object, found: AiTool, kwargs: dict[str, Any]) -> Any:
    """Call the tool method of ``owner`` with validated ``kwargs``; a sync one runs in a worker thread."""
    method = getattr(owner, found.attribute)
    if inspect.iscoroutinefunction(method):
        return await method(**kwargs)
    result = await asyncio.to_thread(method, **kwargs)
    return await result if inspect.isawaitable(result) else result


def tool(name: str | Callable[..., Any] | None = None, description: str | None = None) -> Any:
    """Expose a method of an :class:`~surge.ai_interface.AiInterface` subclass to the model.

    ``@tool(name="get_weather", description="Current weather in a city")``; both are optional
    (default: the method name and its docstring), so ``@tool()`` and bare ``@tool`` work too.
    Argument types come from the annotations (``Annotated[str, Field(description=...)]``
    describes one argument); the method itself is left unchanged.
    """
    if callable(name):  # bare @tool
        return tool()(name)

    def decorator(func: F) -> F:
        setattr(func, _TOOL_ATTR, _ToolMarker(name, description))
        return func

    return decorator


def _build_tool(owner: type, attribute: str, func: Callable[..., Any], marker: _ToolMarker) -> AiTool:
    where = f"{owner.__name__}.{attribute}"
    try:
        hints = typing.get_type_hints(func, include_extras=True)
    except Exception as exc:
        raise ImproperlyConfigured(f"@tool {where}: cannot resolve its annotations ({exc})") from exc
    parameters: dict[str, Any] = {}
    required: list[str] = []
    fields: dict[str, Any] = {}
    for param in list(inspect.signature(func).parameters.values())[1:]:  # skip self
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if param.kind is param.POSITIONAL_ONLY:
            raise ImproperlyConfigured(f"@tool {where}: argument {param.name!r} must not be positional-only")
        annotation = hints.get(param.name, Any)
        # Aliased fields: an argument named "json" or "schema" never shadows a BaseModel attribute.
        field = f"arg_{len(parameters)}"
        parameters[param.name] = annotation
        if param.default is param.empty:
            required.append(param.name)
            fields[field] = (annotation, Field(alias=param.name))
        else:
            fields[field] = (annotation, Field(default=param.default, alias=param.name))
    try:
        model = create_model(f"{owner.__name__}_{attribute}_arguments", __config__=_ARGUMENTS_CONFIG, **fields)
    except Exception as exc:
        raise ImproperlyConfigured(f"@tool {where}: cannot describe its arguments ({exc})") from exc
    return AiTool(
        name=marker.name or func.__name__,
        description=marker.description or inspect.getdoc(func) or "",
        attribute=attribute,
        parameters=parameters,
        required=tuple(required),
        arguments_model=model,
    )


def collect_tools(owner: type) -> dict[str, AiTool]:
    """Every ``@tool`` method of ``owner`` and its bases (mixins included), sorted by tool name.

    Raises:
        ImproperlyConfigured: two methods use one tool name, or a signature cannot be described.
    """
    tools: dict[str, AiTool] = {}
    for attribute in sorted(dir(owner)):
        func = inspect.getattr_static(owner, attribute, None)
        marker = getattr(func, _TOOL_ATTR, None)
        if not isinstance(marker, _ToolMarker) or not callable(func):
            continue
        found = _build_tool(owner, attribute, func, marker)
        if found.name in tools:
            raise ImproperlyConfigured(
                f"{owner.__name__}: the tool name {found.name!r} is used by both "
                f"{tools[found.name].attribute} and {attribute}"
            )
        tools[found.name] = found
    return dict(sorted(tools.items()))
