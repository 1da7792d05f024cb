"""JSON-RPC 2.0 endpoints: a :class:`JsonRpcController` whose ``@rpc_method`` methods are called by name.

One POST endpoint per controller takes a request object or a batch; params come by position or
by name and are validated from the method's type hints (a pydantic model built once, when the
controller is registered); a notification (no ``id``) gets no response. Errors use the spec's
codes: -32700 parse error, -32600 invalid request, -32601 method not found, -32602 invalid
params, -32603 internal error; a method may raise :class:`JsonRpcError` for its own codes.
Answers are HTTP 200 (204 when only notifications were sent), as JSON-RPC over HTTP does.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar, get_type_hints

import orjson
from pydantic import BaseModel, ConfigDict, ValidationError, create_model
from pydantic_core import to_jsonable_python

from surge.controller.controller import Controller
from surge.controller.decorators import post
from surge.controller.spec import endpoint_spec
from surge.exceptions.base import SurgeError
from surge.exceptions.config import ImproperlyConfigured
from surge.http.request import Request
from surge.http.response import Response

__all__ = [
    "INTERNAL_ERROR",
    "INVALID_PARAMS",
    "INVALID_REQUEST",
    "JsonRpcController",
    "JsonRpcError",
    "METHOD_NOT_FOUND",
    "PARSE_ERROR",
    "rpc_method",
]

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603

_RPC_NAME = "__surge_rpc_method__"
_NO_ID = object()  # a notification: the request has no "id" member
_F = TypeVar("_F", bound=Callable[..., Any])


class JsonRpcError(SurgeError):
    """Raise in an ``@rpc_method`` to answer with an error object of your own (code, message, data)."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data


def rpc_method(name: str | None = None) -> Callable[[_F], _F]:
    """Expose a controller method as the JSON-RPC method ``name`` (default: the method's name)."""

    def decorator(func: _F) -> _F:
        setattr(func, _RPC_NAME, name or func.__name__)
        return func

    return decorator


@dataclass(slots=True, frozen=True)
class _Method:
    """One callable RPC method: its bound function and the model that validates its params."""

    name: str
    call: Callable[..., Any]
    params: type[BaseModel]
    names: tuple[str, ...]  # the params in positional order
    request_param: str | None  # the parameter that receives the Request, if any
    is_async: bool
    doc: str | None


def _build_method(name: str, func: Callable[..., Any], owner: str) -> _Method:
    """Read ``func``'s signature once: the params model, the positional order, the Request slot."""
    try:
        hints = get_type_hints(func)
    except Exception as exc:
        raise ImproperlyConfigured(f"JSON-RPC method {name!r} ({owner}): cannot read its type hints: {exc}") from exc
    fields: dict[str, Any] = {}
    request_param = None
    for param in list(inspect.signature(func).parameters.values()):
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise ImproperlyConfigured(f"JSON-RPC method {name!r} ({owner}): *args/**kwargs are not supported")
        annotation = hints.get(param.name, Any)
        if isinstance(annotation, type) and issubclass(annotation, Request):
            request_param = param.name
            continue
        fields[param.name] = (annotation, ... if param.default is param.empty else param.default)
    model_name = "".join(part.capitalize() for part in name.replace(".", "_").split("_")) + "Params"
    model = create_model(model_name, __config__=ConfigDict(extra="forbid"), **fields)
    doc = inspect.getdoc(func)
    return _Method(name, func, model, tuple(fields), request_param, inspect.iscoroutinefunction(func), doc)


def _error(code: int, message: str, request_id: Any, data: Any = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if data is not None:
        error["data"] = data
    return {"jsonrpc": "2.0", "error": error, "id": None if request_id is _NO_ID else request_id}


def _valid_id(value: Any) -> bool:
    return value is None or (isinstance(value, (str, int)) and not isinstance(value, bool))


class JsonRpcController(Controller):
    """A controller answering JSON-RPC 2.0 on one POST endpoint (its ``@path``).

    ``max_batch`` bounds how many calls one batch may hold (-32600 beyond it).
    """

    max_batch: ClassVar[int] = 100
    _rpc_methods: dict[str, _Method]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Give each subclass its own endpoint, so its OpenAPI operation lists its own methods."""
        super().__init_subclass__(**kwargs)

        async def rpc(self: JsonRpcController, req: Request) -> Response:
            return await self.handle_rpc(req)

        rpc.__doc__ = f"JSON-RPC 2.0 endpoint of {cls.__name__}."
        rpc.__qualname__ = f"{cls.__qualname__}.rpc"
        cls.rpc = post("/", operation_id=f"{cls.__name__}_rpc")(rpc)  # type: ignore[attr-defined]

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        methods: dict[str, _Method] = {}
        for attr in dir(type(self)):
            func = getattr(type(self), attr, None)
            name = getattr(func, _RPC_NAME, None)
            if name is None:
                continue
            if name in methods:
                raise ImproperlyConfigured(f"JSON-RPC method {name!r} is defined twice in {type(self).__name__}")
            bound = getattr(self, attr)
            methods[name] = _build_method(name, bound, f"{type(self).__name__}.{attr}")
        self._rpc_methods = methods
        self._document()

    def _document(self) -> None:
        rpc = type(self).rpc  # type: ignore[attr-defined]
        spec = endpoint_spec(rpc)
        spec.extra["openapi"] = _rpc_openapi(type(self).__name__, list(self._rpc_methods.values()))
        spec.summary = spec.summary or f"JSON-RPC 2.0: {', '.join(sorted(self._rpc_methods)) or 'no methods'}"

    async def handle_rpc(self, req: Request) -> Response:
        """Answer one request object or a batch."""
        try:
            payload = orjson.loads(await req.body())
        except orjson.JSONDecodeError:
            return req.response.json(_error(PARSE_ERROR, "Parse error", None))
        if isinstance(payload, list):
            if not payload:
                return req.response.json(_error(INVALID_REQUEST, "Invalid Request: empty batch", None))
            if len(payload) > self.max_batch:
                message = f"Invalid Request: a batch holds at most {self.max_batch} calls"
                return req.response.json(_error(INVALID_REQUEST, message, None))
            answers = await asyncio.gather(*(self._call(req, item) for item in payload))
            replies = [answer for answer in answers if answer is not None]
            return req.response.json(replies) if replies else req.response.no_content()
        answer = await self._call(req, payload)
        return req.response.no_content() if answer is None else req.response.json(answer)

    async def _call(self, req: Request, call: Any) -> dict[str, Any] | None:
        """The response object of one call (None for a notification)."""
        if not isinstance(call, dict):
            return _error(INVALID_REQUEST, "Invalid Request: not an object", None)
        request_id = call.get("id", _NO_ID)
        if request_id is not _NO_ID and not _valid_id(request_id):
            return _error(INVALID_REQUEST, "Invalid Request: id must be a string, an integer or null", None)
        name, params = call.get("method"), call.get("params", {})
        if call.get("jsonrpc") != "2.0" or not isinstance(name, str) or not isinstance(params, (list, dict)):
            return _error(INVALID_REQUEST, 'Invalid Request: needs "jsonrpc": "2.0", a "method" string and list/object "params"', request_id)
        reply = await self._run(req, name, params, request_id)
        return None if request_id is _NO_ID else reply

    async def _run(self, req: Request, name: str, params: list[Any] | dict[str, Any], request_id: Any) -> dict[str, Any]:
        method = self._rpc_methods.get(name)
        if method is None:
            return _error(METHOD_NOT_FOUND, f"Method not found: {name}", request_id)
        if isinstance(params, list):
            if len(params) > len(method.names):
                message = f"Invalid params: {name} takes at most {len(method.names)} positional params"
                return _error(INVALID_PARAMS, message, request_id)
            params = dict(zip(method.names, params, strict=False))
        try:
            validated = method.params.model_validate(params)
        except ValidationError as exc:
            errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
            return _error(INVALID_PARAMS, "Invalid params", request_id, errors)
        kwargs = {field: getattr(validated, field) for field in method.names}
        if method.request_param is not None:
            kwargs[method.request_param] = req
        try:
            result = method.call(**kwargs)
            if method.is_async:
                result = await result
            return {"jsonrpc": "2.0", "result": to_jsonable_python(result), "id": request_id}
        except JsonRpcError as exc:
            return _error(exc.code, exc.message, request_id, to_jsonable_python(exc.data))
        except Exception as exc:
            req.app.logger.opt(exception=exc).error(f"JSON-RPC method {name!r} failed")
            return _error(INTERNAL_ERROR, "Internal error", request_id)


# -- OpenAPI ------------------------------------------------------------------------------------
_ID_SCHEMA: dict[str, Any] = {"type": ["string", "integer", "null"]}
_RESPONSE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "JsonRpcResponse",
    "properties": {
        "jsonrpc": {"const": "2.0"},
        "result": {},
        "error": {
            "type": "object",
            "properties": {"code": {"type": "integer"}, "message": {"type": "string"}, "data": {}},
            "required": ["code", "message"],
        },
        "id": _ID_SCHEMA,
    },
    "required": ["jsonrpc", "id"],
}


def _inline(schema: Any, defs: dict[str, Any], seen: frozenset[str] = frozenset()) -> Any:
    """``schema`` with its ``#/$defs/...`` references replaced by the definitions (the document has no $defs)."""
    if isinstance(schema, list):
        return [_inline(item, defs, seen) for item in schema]
    if not isinstance(schema, dict):
        return schema
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        name = ref.removeprefix("#/$defs/")
        return {} if name in seen else _inline(defs.get(name, {}), defs, seen | {name})
    return {key: _inline(value, defs, seen) for key, value in schema.items() if key != "$defs"}


def _call_schema(method: _Method) -> dict[str, Any]:
    params = method.params.model_json_schema()
    params = _inline(params, params.get("$defs", {}))
    properties = params.get("properties", {})
    by_position = {
        "type": "array",
        "prefixItems": [properties[name] for name in method.names],
        "maxItems": len(method.names),
    }
    call: dict[str, Any] = {
        "type": "object",
        "title": f"{method.name} call",
        "properties": {
            "jsonrpc": {"const": "2.0"},
            "method": {"const": method.name},
            "params": {"anyOf": [params, by_position]},
            "id": _ID_SCHEMA,
        },
        "required": ["jsonrpc", "method", *(["params"] if params.get("required") else [])],
    }
    if method.doc:
        call["description"] = method.doc.split("\n\n")[0]
    return call


def _rpc_openapi(controller: str, methods: list[_Method]) -> dict[str, Any]:
    """The parts of the POST operation that describe the methods (merged into what the generator makes)."""
    calls = [_call_schema(method) for method in sorted(methods, key=lambda m: m.name)]
    lines = [f"JSON-RPC 2.0 endpoint of {controller}: one call or a batch (an array) of calls.", ""]
    for method in sorted(methods, key=lambda m: m.name):
        args = ", ".join(method.names)
        summary = (method.doc or "").split("\n\n")[0]
        lines.append(f"- `{method.name}({args})`" + (f": {summary}" if summary else ""))
    one: dict[str, Any] = {"anyOf": calls} if calls else {"type": "object"}
    operation: dict[str, Any] = {
        "description": "\n".join(lines),
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"anyOf": [one, {"type": "array", "items": one, "minItems": 1}]}}},
        },
        "responses": {
            "200": {
                "description": "The response object (an array of them for a batch); errors carry a JSON-RPC error code",
                "content": {
                    "application/json": {"schema": {"anyOf": [_RESPONSE_SCHEMA, {"type": "array", "items": _RESPONSE_SCHEMA}]}}
                },
            },
            "204": {"description": "Only notifications were sent: nothing to answer"},
        },
    }
    return operation
