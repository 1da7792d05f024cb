"""Route rules: ``/users/<int:user_id>`` parsed once into a regex, converters and a URL builder.

Pure functions, no I/O: testable without an app.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from surge.exceptions.config import ImproperlyConfigured

__all__ = ["CONVERTERS", "Converter", "Rule", "RuleKey", "join_paths", "parse_rule"]

RuleKey = tuple[tuple[Any, ...], ...]
"""A rule's matching order: one key per ``/``-separated part, compared part by part."""


@dataclass(frozen=True, slots=True)
class Converter:
    """How one ``<kind:name>`` segment matches, converts and is rebuilt.

    ``weight`` orders converters competing for the same segment (lower first: numbers 50,
    strings and UUIDs 100, paths 200, as Werkzeug); a ``final`` converter may match slashes,
    so it takes the rest of the path.
    """

    regex: str
    to_python: Callable[[str], Any]
    to_url: Callable[[Any], str]
    python_type: type
    weight: int = 100
    final: bool = False


def _float(value: str) -> float:
    return float(value)


# Control characters (NUL, CR, LF, ...) never match a converter: such a path is a 404,
# never a value that reaches a handler or the filesystem.
_TEXT = r"[^/\x00-\x1f\x7f]"

CONVERTERS: dict[str, Converter] = {
    "string": Converter(_TEXT + "+", str, lambda v: quote(str(v), safe=""), str),
    "int": Converter(r"\d+", int, lambda v: str(int(v)), int, weight=50),
    "float": Converter(r"-?\d+(?:\.\d+)?", _float, lambda v: repr(float(v)), float, weight=51),
    "path": Converter(
        _TEXT + r"[^\x00-\x1f\x7f]*?", str, lambda v: quote(str(v), safe="/"), str, weight=200, final=True
    ),
    "uuid": Converter(
        r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
        uuid.UUID,
        str,
        uuid.UUID,
    ),
}
CONVERTERS["str"] = CONVERTERS["string"]
CONVERTERS["default"] = CONVERTERS["string"]

_PARAM = re.compile(r"<(?:(?P<kind>[a-zA-Z_][a-zA-Z0-9_]*):)?(?P<name>[a-zA-Z_][a-zA-Z0-9_]*)>")


@dataclass(slots=True)
class Rule:
    """A parsed route rule."""

    rule: str
    regex: re.Pattern[str] | None
    params: dict[str, Converter] = field(default_factory=dict)
    parts: list[str | tuple[str, Converter]] = field(default_factory=list)

    @property
    def is_static(self) -> bool:
        """True when the rule has no parameters (matched by dict lookup)."""
        return not self.params

    @property
    def sort_key(self) -> RuleKey:
        """Werkzeug's matching order: the first rule (in key order) that matches a path wins.

        Part by part (``/``-separated), a static part beats a part with converters; among
        those, more static pieces, then longer static text, then more converters, then lighter
        converters (``int`` before ``string`` before ``path``) come first. A ``path``
        converter's part runs to the end of the rule.
        """
        keys: list[tuple[Any, ...]] = []
        static_weights: list[tuple[int, int]] = []
        argument_weights: list[int] = []
        final = False

        def close() -> None:
            if argument_weights:
                keys.append((1, -len(static_weights), list(static_weights), -len(argument_weights), list(argument_weights)))
            else:
                keys.append((0,))
            static_weights.clear()
            argument_weights.clear()

        for part in self.parts:
            if not isinstance(part, str):
                argument_weights.append(part[1].weight)
                final = final or part[1].final
                continue
            for index, piece in enumerate(part.split("/")):
                if index and not final:
                    close()
                if piece:
                    static_weights.append((len(static_weights), -len(piece)))
        close()
        return tuple(keys)

    def match(self, path: str) -> dict[str, Any] | None:
        """Return converted parameters when ``path`` matches, else None (also on a bad value)."""
        assert self.regex is not None
        found = self.regex.fullmatch(path)
        if found is None:
            return None
        values: dict[str, Any] = {}
        for name, raw in found.groupdict().items():
            try:
                values[name] = self.params[name].to_python(raw)
            except ValueError:
                return None
        return values

    def matcher(self) -> Callable[[str], dict[str, Any] | None]:
        """:meth:`match`, specialised once for this rule: what the router calls per request."""
        assert self.regex is not None
        fullmatch = self.regex.fullmatch
        groups = tuple(
            (name, self.regex.groupindex[name], None if converter.to_python is str else converter.to_python)
            for name, converter in self.params.items()
        )
        if len(groups) == 1:
            ((name, index, convert),) = groups

            def match_one(path: str) -> dict[str, Any] | None:
                found = fullmatch(path)
                if found is None:
                    return None
                if convert is None:
                    return {name: found[index]}
                try:
                    return {name: convert(found[index])}
                except ValueError:  # e.g. an int of more digits than int() accepts
                    return None

            return match_one
        return self.match

    def build(self, values: dict[str, Any]) -> str:
        """Build a URL; values not in the rule become the query string.

        Raises:
            ValueError: a rule parameter is missing.
        """
        missing = [name for name in self.params if name not in values]
        if missing:
            raise ValueError(f"Missing value(s) for {', '.join(missing)} to build {self.rule!r}")
        out = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
            else:
                name, converter = part
                out.append(converter.to_url(values[name]))
        url = "".join(out)
        extra = {key: value for key, value in values.items() if key not in self.params and value is not None}
        if extra:
            url += "?" + urlencode(extra, doseq=True)
        return url


def join_paths(*paths: str) -> str:
    """Join controller and endpoint paths into one rule with single slashes."""
    joined = "/".join(part.strip("/") for part in paths if part and part.strip("/"))
    trailing = bool(paths) and paths[-1].endswith("/") and len(paths[-1]) > 1
    return "/" + joined + ("/" if trailing and joined else "")


def parse_rule(rule: str) -> Rule:
    """Parse ``rule`` into a :class:`Rule`.

    Raises:
        ImproperlyConfigured: unknown converter or duplicate parameter name.
    """
    if not rule.startswith("/"):
        rule = "/" + rule
    parts: list[str | tuple[str, Converter]] = []
    params: dict[str, Converter] = {}
    pattern = []
    position = 0
    for found in _PARAM.finditer(rule):
        literal = rule[position : found.start()]
        if literal:
            parts.append(literal)
            pattern.append(re.escape(literal))
        kind = found.group("kind") or "string"
        name = found.group("name")
        converter = CONVERTERS.get(kind)
        if converter is None:
            known = ", ".join(sorted(k for k in CONVERTERS if k != "default"))
            raise ImproperlyConfigured(f"Route {rule!r}: unknown converter {kind!r} (known: {known})")
        if name in params:
            raise ImproperlyConfigured(f"Route {rule!r}: parameter {name!r} appears twice")
        params[name] = converter
        parts.append((name, converter))
        pattern.append(f"(?P<{name}>{converter.regex})")
        position = found.end()
    tail = rule[position:]
    if tail:
        parts.append(tail)
        pattern.append(re.escape(tail))
    regex = re.compile("".join(pattern)) if params else None
    return Rule(rule=rule, regex=regex, params=params, parts=parts)
