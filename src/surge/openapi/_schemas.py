"""JSON schemas for OpenAPI: every annotation of every endpoint, generated in one pass.

Generating all schemas together (as FastAPI does) is what lets a pydantic model used by
several endpoints appear once under ``components/schemas`` and be referenced everywhere, with
pydantic resolving name clashes between models of the same name in different modules.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue, JsonSchemaWarningKind
from pydantic_core import CoreSchema

from surge.controller._codecs import is_struct

__all__ = ["REF_TEMPLATE", "Mode", "SchemaRegistry"]

Mode = Literal["validation", "serialization"]
REF_TEMPLATE = "#/components/schemas/{model}"


class _Generator(GenerateJsonSchema):
    """pydantic's generator, quiet about defaults that JSON cannot express.

    Such a default simply stays out of the document; warning about it at every request of
    ``specs.json`` (and failing test runs with warnings as errors) helps nobody.
    """

    def emit_warning(self, kind: JsonSchemaWarningKind, detail: str) -> None:
        if kind == "non-serializable-default":
            return
        super().emit_warning(kind, detail)


class SchemaRegistry:
    """Collects annotations, then resolves them all to schemas and shared components.

    Usage: ``key = registry.add(annotation, "validation")`` for each annotation, then
    ``registry.resolve()`` once, then ``registry.schema(key)`` and ``registry.components``.
    """

    def __init__(self) -> None:
        self._inputs: list[tuple[int, Mode, CoreSchema]] = []
        self._structs: dict[tuple[int, Mode], Any] = {}  # msgspec Struct bodies: msgspec writes their schemas
        self._known: dict[tuple[int, Mode], int] = {}
        # id() keys are only unique while the object lives: hold every registered annotation.
        self._annotations: list[object] = []
        self._schemas: dict[tuple[int, Mode], JsonSchemaValue] = {}
        self.components: dict[str, JsonSchemaValue] = {}

    def add(self, annotation: Any, mode: Mode = "validation") -> tuple[int, Mode]:
        """Register ``annotation``; returns the key to look its schema up after :meth:`resolve`."""
        identity = (id(annotation), mode)
        if is_struct(annotation):
            self._structs[identity] = annotation
            self._annotations.append(annotation)
            return identity
        index = self._known.get(identity)
        if index is None:
            index = len(self._inputs)
            self._known[identity] = index
            self._inputs.append((index, mode, TypeAdapter(annotation).core_schema))
            self._annotations.append(annotation)
        return (index, mode)

    def resolve(self) -> None:
        """Generate every registered schema; shared models land in :attr:`components`."""
        components: dict[str, JsonSchemaValue] = {}
        if self._inputs:
            generator = _Generator(ref_template=REF_TEMPLATE)
            mapping, definitions = generator.generate_definitions(self._inputs)
            self._schemas = dict(mapping)
            components.update({str(name): schema for name, schema in definitions.items()})
        if self._structs:
            import msgspec

            keys = list(self._structs)
            ref = REF_TEMPLATE.replace("{model}", "{name}")
            schemas, struct_definitions = msgspec.json.schema_components([self._structs[key] for key in keys], ref_template=ref)
            self._schemas.update(zip(keys, schemas, strict=True))
            for name, definition in struct_definitions.items():
                components.setdefault(name, definition)
        self.components = dict(sorted(components.items()))

    def schema(self, key: tuple[int, Mode]) -> JsonSchemaValue:
        """The schema (often a ``$ref``) of a registered annotation."""
        return dict(self._schemas[key])
