"""Custom inputs for a model's admin forms, listed in ``Meta.custom_form_fields``.

Each field is built with an ``id``, a ``name`` (the column it fills), an optional ``label`` and
any HTML attributes as keywords (``max_length=...`` renders ``max-length="..."``). The admin
renders it with the record's value (``value=...``). The tags, rich-text and file-picker inputs
are custom elements that the admin's script upgrades (static/admin.js).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from enum import StrEnum
from typing import Any, ClassVar

from markupsafe import Markup, escape

from surge.exceptions.config import ImproperlyConfigured
from surge.utilities import to_kebab_case

__all__ = [
    "CheckboxInput",
    "EmailInput",
    "FilePicker",
    "FormField",
    "FormFieldTypes",
    "PasswordInput",
    "RadioInput",
    "RichTextInput",
    "SelectInput",
    "TagsInput",
    "TextAreaInput",
    "TextInput",
]


class FormFieldTypes(StrEnum):
    """The kinds of custom input (PyJolt's values, its ``RedioField`` spelling kept)."""

    TAGS = "TagsField"
    PASSWORD = "PasswordField"
    EMAIL = "EmailField"
    TEXT = "TextField"
    TEXTAREA = "TextAreaField"
    SELECT = "SelectField"
    RADIO = "RedioField"
    CHECKBOX = "CheckboxField"
    FILE_PICKER = "FilePicker"
    RICHTEXT_EDITOR = "RichTextEditor"


def _attributes(values: dict[str, Any]) -> str:
    """``key="value"`` pairs, escaped; True renders a bare attribute, False and None nothing."""
    parts: list[str] = []
    for key, value in values.items():
        if value is None or value is False:
            continue
        name = to_kebab_case(key.rstrip("_"))
        parts.append(str(escape(name)) if value is True else f'{escape(name)}="{escape(value)}"')
    return " ".join(parts)


class FormField(ABC):
    """An HTML input of an admin form; subclasses set ``type`` and write :meth:`markup`."""

    type: ClassVar[FormFieldTypes | None] = None

    def __init__(self, **kwargs: Any) -> None:
        if self.type is None:
            raise ImproperlyConfigured(f"{type(self).__name__} must set the class attribute `type` (a FormFieldTypes)")
        self.id: str | None = kwargs.pop("id", None)
        self.name: str | None = kwargs.pop("name", None)
        self._label: str | None = kwargs.pop("label", None)
        self.kwargs: dict[str, Any] = kwargs
        if not self.id or not self.name:
            raise ImproperlyConfigured(f"{type(self).__name__} needs an `id` and a `name`")

    def __call__(self, **kwargs: Any) -> Markup:
        """The element's HTML with the attributes given at construction, updated by ``kwargs``."""
        for reserved in ("id", "name", "label"):
            kwargs.pop(reserved, None)
        return self.markup(**{**self.kwargs, **kwargs})

    def generate_string_attributes(self, **kwargs: Any) -> str:
        """The attributes ``kwargs`` as an escaped HTML attribute string."""
        return _attributes(kwargs)

    def _tag(self, tag: str, void: bool = False, inner: str = "", **kwargs: Any) -> Markup:
        attrs = self.generate_string_attributes(id=self.id, name=self.name, **kwargs)
        return Markup(f"<{tag} {attrs}>" if void else f"<{tag} {attrs}>{inner}</{tag}>")

    @abstractmethod
    def markup(self, **kwargs: Any) -> Markup:
        """The element's HTML with the attributes ``kwargs``."""

    def label(self, **kwargs: Any) -> Markup:
        """A ``<label>`` for the field (empty when it was built without ``label``)."""
        if self._label is None:
            return Markup("")
        attrs = _attributes({"for": self.id, **kwargs})
        return Markup(f"<label {attrs}>{escape(self._label)}</label>")


class _PlainInput(FormField):
    input_type: ClassVar[str] = "text"

    def markup(self, **kwargs: Any) -> Markup:
        """An ``<input>`` of this field's input type."""
        return self._tag("input", void=True, type=self.input_type, **kwargs)


class TextInput(_PlainInput):
    """A one-line text input."""

    type = FormFieldTypes.TEXT


class PasswordInput(_PlainInput):
    """A password input (its value is never rendered back)."""

    type = FormFieldTypes.PASSWORD
    input_type = "password"

    def markup(self, **kwargs: Any) -> Markup:
        """An ``<input type="password">`` without a value."""
        kwargs.pop("value", None)
        return super().markup(**kwargs)


class EmailInput(_PlainInput):
    """An e-mail address input."""

    type = FormFieldTypes.EMAIL
    input_type = "email"


class CheckboxInput(_PlainInput):
    """A checkbox; a true ``value`` renders it checked."""

    type = FormFieldTypes.CHECKBOX
    input_type = "checkbox"

    def markup(self, **kwargs: Any) -> Markup:
        """An ``<input type="checkbox">``, checked when ``value`` is true."""
        checked = kwargs.pop("value", None) in (True, "true", "on", "1", 1)
        return super().markup(value="true", checked=checked or kwargs.pop("checked", False), **kwargs)


class RadioInput(_PlainInput):
    """A radio button."""

    type = FormFieldTypes.RADIO
    input_type = "radio"


class TextAreaInput(FormField):
    """A multi-line text input."""

    type = FormFieldTypes.TEXTAREA

    def markup(self, **kwargs: Any) -> Markup:
        """A ``<textarea>`` holding ``value``."""
        value = kwargs.pop("value", None)
        return self._tag("textarea", inner=str(escape("" if value is None else value)), **kwargs)


class SelectInput(FormField):
    """A drop-down of ``options``: a list of ``(value, label)`` tuples."""

    type = FormFieldTypes.SELECT

    def __init__(self, **kwargs: Any) -> None:
        options = kwargs.pop("options", None)
        super().__init__(**kwargs)
        if not isinstance(options, list) or not options or not all(isinstance(o, tuple) and len(o) == 2 for o in options):
            raise ImproperlyConfigured(f"SelectInput {self.id!r} needs `options`: a list of (value, label) tuples")
        self.options: Sequence[tuple[Any, Any]] = options

    def generate_options(self, selected: Any = None) -> str:
        """The ``<option>`` elements, ``selected`` marked."""
        return "".join(
            f"<option {_attributes({'value': value, 'selected': str(value) == str(selected)})}>{escape(label)}</option>"
            for value, label in self.options
        )

    def markup(self, **kwargs: Any) -> Markup:
        """A ``<select>`` with the options, the one equal to ``value`` selected."""
        value = kwargs.pop("value", None)
        return self._tag("select", inner=self.generate_options(value), **kwargs)


class TagsInput(FormField):
    """A list of tags, edited as chips; submitted comma-separated."""

    type = FormFieldTypes.TAGS

    def markup(self, **kwargs: Any) -> Markup:
        """A ``<tags-input>`` element."""
        value = kwargs.pop("value", None)
        if isinstance(value, list | tuple):
            value = ",".join(str(item) for item in value)
        return self._tag("tags-input", value=value, **kwargs)


class FilePicker(FormField):
    """A file chosen from the admin's file folder; submitted as its path in the folder."""

    type = FormFieldTypes.FILE_PICKER

    def markup(self, **kwargs: Any) -> Markup:
        """A ``<file-picker>`` element."""
        return self._tag("file-picker", **kwargs)


class RichTextInput(FormField):
    """A rich-text (HTML) editor; submitted as HTML."""

    type = FormFieldTypes.RICHTEXT_EDITOR

    def markup(self, **kwargs: Any) -> Markup:
        """A ``<richtext-editor>`` element."""
        return self._tag("richtext-editor", **kwargs)
