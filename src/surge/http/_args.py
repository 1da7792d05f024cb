"""``req.args``: every parameter of a request in one read-only mapping (Atila's ``request.args``).

Route parameters, then the query string, then the body's fields (a JSON object, or an
urlencoded or multipart form): a later source wins a name clash, so the body wins. Reading the
body is asynchronous, so ``await req.all_args()`` reads it if needed; ``req.args`` works without
``await`` once the body has been read (by a body parameter, ``await req.json()``, ``await
req.form()``, ``await req.all_args()``) or when the request has no body to read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import orjson

from surge.exceptions.http import BadRequest
from surge.http._forms import parse_urlencoded
from surge.http.datastructures import MultiDict

if TYPE_CHECKING:
    from surge.types import Scope

__all__ = ["Args", "RequestArgs"]

_FORM = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"
_UNREAD: Any = object()


class Args(Mapping[str, Any]):
    """A read-only mapping of parameter names to values; ``getlist(name)`` gives every value."""

    __slots__ = ("_lists", "_values")

    def __init__(self, sources: tuple[Mapping[str, Any], ...]) -> None:
        values: dict[str, Any] = {}
        lists: dict[str, list[Any]] = {}
        for source in sources:
            for key, value in source.items():
                values[key] = value
                lists[key] = source.getlist(key) if isinstance(source, MultiDict) else [value]
        self._values = values
        self._lists = lists

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __getattr__(self, name: str) -> Any:
        """``args.id`` reads like ``args["id"]`` (templates write ``request.args.id``)."""
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def getlist(self, key: str) -> list[Any]:
        """Every value given for ``key`` by the source that won (a repeated query key, a form list)."""
        return list(self._lists.get(key, ()))

    def __repr__(self) -> str:
        return f"Args({self._values!r})"


def _json_fields(parsed: Any) -> Mapping[str, Any]:
    return parsed if isinstance(parsed, dict) else {}  # an array or a scalar body has no named fields


class RequestArgs:
    """The part of :class:`~surge.http.request.Request` that builds ``args`` (a mixin over its slots)."""

    __slots__ = ("_args",)

    _args: Args  # set once built (no default: the request path never pays for it)

    if TYPE_CHECKING:
        scope: Scope
        route_parameters: dict[str, Any]
        endpoint: Any
        _body: bytes | None
        _form: MultiDict | None

        @property
        def query_params(self) -> MultiDict: ...

        @property
        def content_type(self) -> str: ...

        def header(self, name: bytes | str) -> str | None: ...

        async def body(self) -> bytes: ...

        async def form(self) -> MultiDict: ...

    @property
    def args(self) -> Args:
        """Route, query and body parameters in one read-only mapping; the body wins a clash.

        Raises:
            RuntimeError: the request carries a JSON or form body nobody has read yet: use
                ``await req.all_args()``.
            BadRequest: the body read earlier is malformed JSON.
        """
        try:
            return self._args
        except AttributeError:
            pass
        body = self._parsed_body()
        if body is _UNREAD:
            raise RuntimeError("req.args needs the request body, which is not read yet: use await req.all_args()")
        args = Args((self.route_parameters, self.query_params, body))
        if self.endpoint is not None:  # before routing, the route parameters are still to come
            self._args = args
        return args

    async def all_args(self) -> Args:
        """:attr:`args`, reading the body first if it is a JSON object or a form.

        Raises:
            BadRequest: the body is malformed JSON.
        """
        if self._parsed_body() is _UNREAD:
            if self.content_type == _MULTIPART:
                await self.form()
            else:
                await self.body()
        return self.args

    def _parsed_body(self) -> Mapping[str, Any]:
        """The body's fields if known without I/O, else ``_UNREAD``."""
        content_type = self.content_type
        is_json = content_type == "application/json" or content_type.endswith("+json")
        if not (is_json or content_type in (_FORM, _MULTIPART)):
            return {}  # no body, or one with no named fields (text, bytes)
        if self._form is not None:
            return self._form
        raw = self._body
        if raw is None:
            length = self.header(b"content-length")
            announced = (length is not None and length.strip() != "0") or self.header(b"transfer-encoding") is not None
            return _UNREAD if announced else {}
        if not raw:
            return {}
        if content_type == _FORM:
            return parse_urlencoded(raw)
        if content_type == _MULTIPART:
            return _UNREAD  # parsed by await req.form(), from the stream
        try:
            return _json_fields(orjson.loads(raw))
        except orjson.JSONDecodeError as exc:
            raise BadRequest(f"Malformed JSON body: {exc}") from None

