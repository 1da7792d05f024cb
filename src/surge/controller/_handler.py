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
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from surge.controller._body import body_reader, media_check
from surge.controller._int64 import INT64_MAX, INT64_MIN, out_of_range
from surge.controller.params import HandlerParams
from surge.controller.spec import CallNext
from surge.exceptions.http import UnprocessableEntity
from surge.http.request import Request

__all__ = ["handler_step"]

_EMPTY = inspect.Parameter.empty


def _query_reader(params: HandlerParams) -> Callable[[Request], BaseModel]:
    """Validate the query parameters of the handler, with one pydantic model."""
    model = params.query_model
    assert model is not None
    lists = params.query_lists
    names = tuple(params.query)

    def read_query(req: Request) -> BaseModel:
        values = req.query_params
        raw = {name: (values.getlist(name) if name in lists else values[name]) for name in names if name in values}
        return model.model_validate(raw)

    return read_query


def _route_validator(name: str, adapter: TypeAdapter[Any]) -> Callable[[Any], Any]:
    """Validate one route value with the handler's annotation; errors name the parameter."""
    validate = adapter.validate_python

    def validate_route(value: Any) -> Any:
        try:
            return validate(value)
        except ValidationError as exc:
            errors: list[Any] = [
                {key: error[key] for key in ("type", "input", "ctx") if key in error} | {"loc": (name, *error["loc"])}
                for error in exc.errors(include_url=False)
            ]
            raise ValidationError.from_exception_data("path", errors) from None

    return validate_route


def _files_reader(params: HandlerParams) -> Callable[[Request], Any]:
    """Read the uploaded files of the handler (name -> file, list of files, or default)."""
    files = tuple(params.files.items())

    async def read_files(req: Request) -> dict[str, Any]:
        form = await req.form()
        found: dict[str, Any] = {}
        for name, (annotation, default) in files:
            values = [value for value in form.getlist(name) if not isinstance(value, str)]
            if getattr(annotation, "__origin__", None) is list:
                found[name] = values
            elif values:
                found[name] = values[0]
            elif default is not _EMPTY:
                found[name] = default
            else:
                raise UnprocessableEntity(
                    f"Missing file field {name!r}",
                    data=[{"loc": ["body", name], "msg": "Field required", "type": "missing"}],
                )
        return found

    return read_files


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
    src.lines.append(f"    if not {INT64_MIN} <= {local} <= {INT64_MAX}: {reject}({name!r}, {local})")


def _request_inputs(src: _Source, params: HandlerParams) -> None:
    """Route, query, body and files, in that order, as keyword arguments."""
    if params.required_media is not None:  # @consumes with no body parameter to check it: 415 first
        src.lines.append(f"    {src.ref(media_check(params.required_media, required=True))}(req)")
    if params.route or params.route_int64:
        src.lines.append("    rp = req.route_parameters")
    for name in params.route_int64:
        if name not in params.route:
            _check_int64(src, name, src.read(f"rp[{name!r}]"))
    for name in params.route:
        converter = params.route_converters.get(name)
        if converter is None:
            local = src.read(f"rp[{name!r}]")
            if name in params.route_int64:
                _check_int64(src, name, local)
        else:
            local = src.read(f"{src.ref(_route_validator(name, converter))}(rp[{name!r}])")
        src.args.append(f"{name}={local}")
    if params.query_model is not None:
        query = src.read(f"{src.ref(_query_reader(params))}(req)")
        src.args.extend(f"{name}={query}.{name}" for name in params.query)
    if params.body is not None:
        body = src.read(f"{src.ref(body_reader(params.body))}(req)", awaited=True)
        src.args.append(f"{params.body.name}={body}")
    if params.files:
        files = src.read(f"{src.ref(_files_reader(params))}(req)", awaited=True)
        src.args.extend(f"{name}={files}[{name!r}]" for name in params.files)


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


def handler_step(instance: object, func: Callable[..., Any], params: HandlerParams) -> CallNext:
    """The innermost step of ``func``'s pipeline: read the request's inputs, call the handler.

    It returns what the handler returned (the finisher makes it a Response). An ``async def``
    handler whose inputs need no I/O gets a plain function that returns its coroutine, so no
    coroutine of ours stands between the caller and the handler.
    """
    if inspect.isasyncgenfunction(func):
        kind = "stream"
    elif inspect.iscoroutinefunction(func):
        kind = "async"
    else:
        kind = "thread"
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
    exec(compile(text, f"<surge handler step {getattr(func, '__qualname__', func)}>", "exec"), src.namespace)  # noqa: S102
    step: CallNext = src.namespace["call"]
    step.__surge_source__ = text  # type: ignore[attr-defined]
    return step
