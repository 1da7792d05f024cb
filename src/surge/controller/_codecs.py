"""Body validators for every kind of body class: pydantic models, dataclasses, attrs, msgspec.

Chosen once per body parameter at startup. pydantic validates models, dataclasses and
TypedDicts itself; an attrs class is validated as the pydantic model of its fields, then
built; a msgspec ``Struct`` is decoded by msgspec. Every failure is a pydantic
``ValidationError``, so it reaches the one 422 shape (and ``@handles(ValidationError)``).
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel, Field, TypeAdapter, ValidationError, create_model
from pydantic_core import InitErrorDetails, PydanticCustomError

from surge.annotations import strip_annotated, strip_optional
from surge.controller.params import BodyValidator
from surge.exceptions.http import BadRequest

__all__ = ["StructCodec", "body_validator", "is_attrs", "is_struct", "pydantic_annotation"]

_AT = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]")
_MISSING = re.compile(r"^Object missing required field `(?P<field>[^`]+)`$")


def is_struct(annotation: object) -> bool:
    """A msgspec ``Struct`` class (recognised without importing msgspec)."""
    return isinstance(annotation, type) and any(
        base.__name__ == "Struct" and base.__module__ == "msgspec" for base in annotation.__mro__
    )


def is_attrs(annotation: object) -> bool:
    """An attrs class."""
    return isinstance(annotation, type) and hasattr(annotation, "__attrs_attrs__")


def _attrs_model(cls: type) -> Any:
    """``Annotated[Model, AfterValidator(build)]``: the pydantic model of ``cls``'s fields, then ``cls(**fields)``."""
    import attrs

    hints = typing.get_type_hints(cls, include_extras=True)
    fields: dict[str, Any] = {}
    for attribute in attrs.fields(cls):
        if not attribute.init:
            continue
        annotation = pydantic_annotation(hints.get(attribute.name, Any))
        default = attribute.default
        if default is attrs.NOTHING:
            fields[attribute.alias or attribute.name] = (annotation, ...)
        elif isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            if not default.takes_self:  # a factory of the instance itself: attrs computes it
                fields[attribute.alias or attribute.name] = (annotation, Field(default_factory=default.factory))
        else:
            fields[attribute.alias or attribute.name] = (annotation, default)
    model = create_model(cls.__name__, __module__=cls.__module__, __doc__=cls.__doc__, **fields)
    names = tuple(fields)

    def build(value: BaseModel) -> Any:
        return cls(**{name: getattr(value, name) for name in names})

    return typing.Annotated[model, AfterValidator(build)]


def pydantic_annotation(annotation: Any) -> Any:
    """``annotation`` with every attrs class in it (items, unions, ``Annotated``) made pydantic-readable."""
    if is_attrs(annotation):
        return _attrs_model(annotation)
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin is None or not args:
        return annotation
    converted = tuple(pydantic_annotation(arg) if not isinstance(arg, (str, int)) else arg for arg in args)
    if converted == args:
        return annotation
    if origin is typing.Annotated:
        return typing.Annotated[converted]
    if origin in (Union, types.UnionType):
        return Union[converted]  # noqa: UP007
    return origin[converted] if len(converted) > 1 else origin[converted[0]]


def _loc(path: str) -> tuple[str | int, ...]:
    return tuple(name if name is not None and name else int(index) for name, index in _STEP.findall(path))


class StructCodec:
    """Validates a msgspec ``Struct`` body with msgspec; errors become pydantic ValidationErrors."""

    __slots__ = ("_annotation", "_decode", "title")

    def __init__(self, annotation: Any) -> None:
        import msgspec

        self.title = getattr(strip_optional(strip_annotated(annotation)), "__name__", "body")
        self._annotation = annotation
        self._decode = msgspec.json.Decoder(annotation).decode

    def validate_json(self, data: bytes, /) -> Any:
        """Decode and validate a JSON body (400 for malformed JSON, 422 for invalid data)."""
        import msgspec

        try:
            return self._decode(data)
        except msgspec.ValidationError as exc:
            raise self._error(str(exc)) from None
        except msgspec.DecodeError as exc:
            raise BadRequest(f"Malformed JSON body: {exc}") from None

    def validate_python(self, data: Any, /) -> Any:
        """Validate already-parsed data (a form): strings convert to the field types."""
        import msgspec

        try:
            return msgspec.convert(data, self._annotation, strict=False)
        except msgspec.ValidationError as exc:
            raise self._error(str(exc)) from None

    def _error(self, text: str) -> ValidationError:
        match = _AT.match(text)
        message, path = (match["message"], match["path"] or "") if match else (text, "")
        loc = _loc(path)
        missing = _MISSING.match(message)
        error: InitErrorDetails
        if missing:
            error = {"type": "missing", "loc": (*loc, missing["field"]), "input": None}
        else:
            error = {"type": PydanticCustomError("value_error", message), "loc": loc, "input": None}
        return ValidationError.from_exception_data(self.title, [error])


def body_validator(annotation: Any) -> BodyValidator:
    """The validator of a body annotated ``annotation``."""
    if is_struct(strip_optional(strip_annotated(annotation))):
        return StructCodec(annotation)
    return TypeAdapter(pydantic_annotation(annotation))
