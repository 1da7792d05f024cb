"""The handler step: the innermost step of every endpoint, and the one place a handler is called.

It reads what the request itself supplies (route, query, body, uploaded files), takes what
earlier steps put in the kwargs (injected dependencies, extension values), and calls the
handler.

# PERF: the step is generated once per endpoint, so the handler is called with literal
# keyword arguments (``method(req, id=a0, repo=kwargs['repo'])``): a ``**kwargs`` call and
# the dict writes before it cost about as much as the rest of a small endpoint's pipeline.
# The source is built from parameter names (always identifiers) and numbered locals; every
# object reaches it through the namespace, never through the text.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, get_args

from pydantic import BaseModel, TypeAdapter, ValidationError

from surge._located import locate
from surge.annotations import is_list_type, strip_annotated, strip_optional
from surge.background import BackgroundTasks
from surge.controller._body import body_reader, media_check
from surge.controller._int64 import INT64_MAX, INT64_MIN, out_of_range
from surge.controller.params import FACTORY, HandlerParams
from surge.controller.spec import CallNext
from surge.http.request import Request
from surge.http.response import Response

__all__ = ["endpoint_step", "handler_step"]

_EMPTY = inspect.Parameter.empty


def _query_reader(params: HandlerParams) -> Callable[[Request], BaseModel]:
    """Validate the query parameters of the handler, with one pydantic model."""
    model = params.query_model
    assert model is not None
    wire = params.wire
    lists = frozenset(wire.get(name, name) for name in params.query_lists)
    names = tuple(wire.get(name, name) for name in params.query)

    def read_query(req: Request) -> BaseModel:
        values = req.query_params
        raw = {name: (values.getlist(name) if name in lists else values[name]) for name in names if name in values}
        try:
            return model.model_validate(raw)
        except ValidationError as exc:
            locate(req.scope, exc, "query")
            raise

    return read_query


def _header_reader(params: HandlerParams) -> Callable[[Request], BaseModel]:
    """Validate the header parameters; a list-typed one takes the comma-separated values."""
    model = params.header_model
    assert model is not None
    names = tuple(
        (params.wire.get(name, name), is_list_type(annotation)) for name, (annotation, _) in params.headers.items()
    )

    def read_headers(req: Request) -> BaseModel:
        headers = req.headers
        raw: dict[str, Any] = {}
        for name, many in names:
            value = headers.get(name)
            if value is not None:
                raw[name] = [part.strip() for part in value.split(",")] if many else value
        try:
            return model.model_validate(raw)
        except ValidationError as exc:
            locate(req.scope, exc, "header")
            raise

    return read_headers


def _cookie_reader(params: HandlerParams) -> Callable[[Request], BaseModel]:
    """Validate the cookie parameters, with one pydantic model."""
    model = params.cookie_model
    assert model is not None
    names = tuple(params.wire.get(name, name) for name in params.cookies)

    def read_cookies(req: Request) -> BaseModel:
        cookies = req.cookies
        try:
            return model.model_validate({name: cookies[name] for name in names if name in cookies})
        except ValidationError as exc:
            locate(req.scope, exc, "cookie")
            raise

    return read_cookies


def _route_validator(name: str, adapter: TypeAdapter[Any]) -> Callable[[Request, Any], Any]:
    """Validate one route value with the handler's annotation; errors name the parameter."""
    validate = adapter.validate_python

    def validate_route(req: Request, value: Any) -> Any:
        try:
            return validate(value)
        except ValidationError as exc:
            errors: list[Any] = [
                {key: error[key] for key in ("type", "input", "ctx") if key in error} | {"loc": (name, *error["loc"])}
                for error in exc.errors(include_url=False)
            ]
            named = ValidationError.from_exception_data("path", errors)
            locate(req.scope, named, "path")
            raise named from None

    return validate_route


def _files_reader(params: HandlerParams) -> Callable[[Request], Any]:
    """Read the uploaded files of the handler (name -> file, list of files, or default)."""
    files = tuple(
        (name, params.wire.get(name, name), is_list_type(annotation), _is_bytes(annotation), default)
        for name, (annotation, default) in params.files.items()
    )

    async def read_files(req: Request) -> dict[str, Any]:
        form = await req.form()
        found: dict[str, Any] = {}
        for name, wire, many, as_bytes, default in files:
            values: list[Any] = [value for value in form.getlist(wire) if not isinstance(value, str)]
            if as_bytes:
                values = [await value.read() for value in values]
            if many:
                found[name] = values
            elif values:
                found[name] = values[0]
            elif default is FACTORY:
                found[name] = params.markers[name].default_factory()  # type: ignore[misc]
            elif default is not _EMPTY:
                found[name] = default
            else:
                missing = ValidationError.from_exception_data("files", [{"type": "missing", "loc": (wire,), "input": None}])
                locate(req.scope, missing, "body")
                raise missing
        return found

    return read_files


def _is_bytes(annotation: Any) -> bool:
    bare = strip_optional(strip_annotated(annotation))
    if is_list_type(bare):
        bare = strip_optional(strip_annotated(get_args(bare)[0]))
    return bare is bytes


async def _in_thread(method: Callable[..., Any], /, *args: object, **kwargs: object) -> Any:
    """Run a plain ``def`` handler in the default thread pool, in a copy of the context."""
    # PERF: run_in_executor directly is cheaper than anyio's thread helpers.
    context = contextvars.copy_context()
    call = functools.partial(context.run, method, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(None, call)


class _Source:
    """The generated step's lines, its arguments, and the namespace they refer to."""

    def __init__(self, method: Callable[..., Any]) -> None:
        self.namespace: dict[str, Any] = {"method": method, "in_thread": _in_thread}
        self.lines: list[str] = []
        self.args: list[str] = []
        self.awaits = False

    def ref(self, value: object) -> str:
        name = f"o{len(self.namespace)}"
        self.namespace[name] = value
        return name

    def read(self, expression: str, *, awaited: bool = False) -> str:
        """A local holding ``expression``, evaluated now (so errors come in the order read)."""
        local = f"a{len(self.lines)}"
        self.lines.append(f"    {local} = {'await ' if awaited else ''}{expression}")
        self.awaits = self.awaits or awaited
        return local


def _check_int64(src: _Source, name: str, local: str) -> None:
    """An ``int`` route value outside 64 bits is a 422 naming the parameter (two comparisons)."""
    reject = src.ref(out_of_range)
    src.lines.append(f"    if not {INT64_MIN} <= {local} <= {INT64_MAX}: {reject}(req, {name!r}, {local})")


def _route_inputs(src: _Source, params: HandlerParams) -> None:
    """Route parameters (read by their names in the rule), converted or range-checked."""
    if params.route or params.route_int64:
        src.lines.append("    rp = req.route_parameters")
    read_routes = {params.wire.get(name, name) for name in params.route}
    for name in params.route_int64:
        if name not in read_routes:
            _check_int64(src, name, src.read(f"rp[{name!r}]"))
    for name in params.route:
        wire = params.wire.get(name, name)
        converter = params.route_converters.get(name)
        if converter is None:
            local = src.read(f"rp[{wire!r}]")
            if wire in params.route_int64:
                _check_int64(src, wire, local)
        else:
            local = src.read(f"{src.ref(_route_validator(wire, converter))}(req, rp[{wire!r}])")
        src.args.append(f"{name}={local}")


def _request_inputs(src: _Source, params: HandlerParams) -> None:
    """Route, query, headers, cookies, body and files, in that order, as keyword arguments."""
    if params.required_media is not None:  # @consumes with no body parameter to check it: 415 first
        src.lines.append(f"    {src.ref(media_check(params.required_media, required=True))}(req)")
    _route_inputs(src, params)
    for model, reader, names in (
        (params.query_model, _query_reader, params.query),
        (params.header_model, _header_reader, params.headers),
        (params.cookie_model, _cookie_reader, params.cookies),
    ):
        if model is not None:
            values = src.read(f"{src.ref(reader(params))}(req)")
            src.args.extend(f"{name}={values}.{name}" for name in names)
    body_param = params.body
    if body_param is not None:
        body = src.read(f"{src.ref(body_reader(body_param))}(req)", awaited=True)
        if body_param.embedded:
            src.args.extend(f"{name}={body}.{name}" for name in body_param.embedded)
        else:
            src.args.append(f"{body_param.name}={body}")
    if params.files:
        files = src.read(f"{src.ref(_files_reader(params))}(req)", awaited=True)
        src.args.extend(f"{name}={files}[{name!r}]" for name in params.files)
    if params.background is not None:
        src.args.append(f"{params.background}={src.ref(BackgroundTasks)}(req)")


def _arguments(src: _Source, params: HandlerParams, positional_request: bool) -> tuple[str, str]:
    """The call's arguments, and those to use when ``kwargs`` holds values (empty: no such case).

    Injected dependencies are always in ``kwargs``: read by name. Extension steps may or may
    not write what they provide, so their values (and anything unexpected) pass as ``**kwargs``.
    """
    request = params.request_name
    if request is not None:
        src.args.insert(0, "req" if positional_request else f"{request}=req")
    if params.provided:
        return ", ".join([*src.args, "**kwargs"]), ""
    if params.injected:
        return ", ".join([*src.args, *(f"{name}=kwargs[{name!r}]" for name in params.injected)]), ""
    return ", ".join(src.args), ", ".join([*src.args, "**kwargs"])


def _call_lines(kind: str, args: str, awaiting: bool) -> list[str]:
    """``return`` the handler's result: its coroutine, a thread's result, or a stream."""
    if kind == "stream":
        return [f"    return req.response.stream(method({args}))"]
    if kind == "thread":
        return [f"    return await in_thread(method{', ' if args else ''}{args})"]
    return [f"    return {'await ' if awaiting else ''}method({args})"]


def _kind(func: Callable[..., Any]) -> str:
    """How the handler is called: a coroutine, a thread, or a stream (sync generators in a thread)."""
    if inspect.isasyncgenfunction(func) or inspect.isgeneratorfunction(func):
        return "stream"
    return "async" if inspect.iscoroutinefunction(func) else "thread"


def _generated(src: _Source, func: Callable[..., Any], text: str, name: str) -> Any:
    exec(compile(text, f"<surge handler step {getattr(func, '__qualname__', func)}>", "exec"), src.namespace)  # noqa: S102
    step = src.namespace[name]
    step.__surge_source__ = text
    return step


def handler_step(instance: object, func: Callable[..., Any], params: HandlerParams) -> CallNext:
    """The innermost step of ``func``'s pipeline: read the request's inputs, call the handler.

    It returns what the handler returned (the finisher makes it a Response). An ``async def``
    handler whose inputs need no I/O gets a plain function that returns its coroutine, so no
    coroutine of ours stands between the caller and the handler.
    """
    kind = _kind(func)
    src = _Source(func.__get__(instance))
    _request_inputs(src, params)
    args, args_with_kwargs = _arguments(src, params, positional_request=kind == "async" and params.request_first)
    coroutine = kind != "async" or src.awaits
    awaiting = kind == "async" and src.awaits
    body = src.lines
    if args_with_kwargs:
        body = [*body, "    if kwargs:", *("    " + line for line in _call_lines(kind, args_with_kwargs, awaiting))]
    text = "\n".join(
        [
            f"{'async def' if coroutine else 'def'} call(req, kwargs):",
            *body,
            *_call_lines(kind, args, awaiting),
        ]
    )
    step: CallNext = _generated(src, func, text, "call")
    return step


def endpoint_step(
    instance: object,
    func: Callable[..., Any],
    params: HandlerParams,
    finish: Callable[[Request, Any], Response],
    *,
    keeps: bool,
) -> Callable[[Request], Awaitable[Response]]:
    """The whole endpoint of a handler with nothing around it (no dependencies, extension steps,
    guards or hooks): the handler step and the finisher in one coroutine.

    ``keeps``: a Response the handler returns is sent as it is (the finisher would not touch it).
    Only for params without injected or extension-provided values (nothing fills ``kwargs``).
    """
    assert not params.provided and not params.injected
    kind = _kind(func)
    src = _Source(func.__get__(instance))
    src.namespace.update(finish=finish, Response=Response)
    _request_inputs(src, params)
    args, _ = _arguments(src, params, positional_request=kind == "async" and params.request_first)
    (call,) = _call_lines(kind, args, awaiting=True)
    finishing = ["    if isinstance(result, Response):", "        return result"] if keeps else []
    text = "\n".join(
        ["async def endpoint(req):", *src.lines, call.replace("return ", "result = ", 1), *finishing, "    return finish(req, result)"]
    )
    endpoint: Callable[[Request], Awaitable[Response]] = _generated(src, func, text, "endpoint")
    return endpoint
