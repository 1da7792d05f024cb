"""Compile one endpoint into the callable that serves it.

Everything here runs once, at startup; the closures it returns are the per-request path.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError

from surge.controller._params import BodyParam, HandlerParams
from surge.controller.spec import CallNext, ControllerSpec, EndpointSpec
from surge.exceptions.http import BadRequest, UnprocessableEntity, UnsupportedMediaType
from surge.http.media_types import MediaType
from surge.http.request import Request
from surge.http.response import Response

if TYPE_CHECKING:
    from surge.app import Surge

__all__ = ["Endpoint", "compile_endpoint"]

Endpoint = Callable[[Request], Awaitable[Response]]

_JSON_TYPES = frozenset({"application/json", "application/problem+json"})
_BODYLESS_STATUSES = frozenset({204, 304})


def _media_matches(expected: str, actual: str) -> bool:
    if actual == expected:
        return True
    if expected in _JSON_TYPES:
        return actual in _JSON_TYPES or (actual.startswith("application/") and actual.endswith("+json"))
    return False


def _body_reader(body: BodyParam) -> Callable[[Request], Awaitable[Any]]:
    """The coroutine that reads, parses and validates the body for ``body``."""
    adapter = body.adapter
    media = body.media_type
    list_fields = body.list_fields
    title = getattr(body.annotation, "__name__", body.name)

    if media in _JSON_TYPES:

        async def read_json(req: Request) -> Any:
            content_type = req.content_type
            if content_type and not _media_matches(media, content_type):
                raise UnsupportedMediaType(f"Expected Content-Type {media}, got {content_type}")
            raw = await req.body()
            if not raw:
                # A ValidationError, like any other invalid body: the seed's @handles(ValidationError)
                # handlers see missing data too.
                raise ValidationError.from_exception_data(title, [{"type": "missing", "loc": ("body",), "input": None}])
            try:
                return adapter.validate_json(raw)
            except ValidationError as exc:
                for error in exc.errors(include_url=False):
                    if error["type"] == "json_invalid":
                        raise BadRequest(f"Malformed JSON body: {error['msg']}") from None
                raise

        return read_json

    if media in (MediaType.APPLICATION_X_WWW_FORM_URLENCODED, MediaType.MULTIPART_FORM_DATA):

        async def read_form(req: Request) -> Any:
            content_type = req.content_type
            if content_type not in (MediaType.APPLICATION_X_WWW_FORM_URLENCODED, MediaType.MULTIPART_FORM_DATA):
                raise UnsupportedMediaType(f"Expected Content-Type {media}, got {content_type or 'none'}")
            form = await req.form()
            data = {key: (form.getlist(key) if key in list_fields else value) for key, value in form.items()}
            return adapter.validate_python(data)

        return read_form

    as_text = adapter.json_schema().get("type") == "string"  # raw bodies are str or bytes parameters

    async def read_raw(req: Request) -> Any:
        content_type = req.content_type
        if content_type and content_type != media:
            raise UnsupportedMediaType(f"Expected Content-Type {media}, got {content_type}")
        raw = await req.body()
        return adapter.validate_python(raw.decode("utf-8") if as_text else raw)

    return read_raw


def _param_resolver(params: HandlerParams) -> Callable[[Request, dict[str, Any]], Awaitable[None]] | None:
    """The coroutine that fills handler kwargs from route, query, body, files and providers."""
    route_names = tuple(params.route)
    route_converters = tuple(params.route_converters.items())
    query_model = params.query_model
    query_lists = params.query_lists
    query_names = tuple(params.query)
    body = params.body
    read_body = _body_reader(body) if body is not None else None
    files = tuple(params.files.items())
    if not (route_names or query_model or read_body or files):
        return None
    route_all = bool(route_names) and not route_converters

    async def resolve(req: Request, kwargs: dict[str, Any]) -> None:
        if route_all:
            kwargs.update(req.route_parameters)
        elif route_names:
            route_values = req.route_parameters
            for name in route_names:
                kwargs[name] = route_values[name]
            for name, adapter in route_converters:
                kwargs[name] = adapter.validate_python(route_values[name])
        if query_model is not None:
            query = req.query_params
            raw = {
                name: (query.getlist(name) if name in query_lists else query[name])
                for name in query_names
                if name in query
            }
            validated = query_model.model_validate(raw)
            for name in query_names:
                kwargs[name] = getattr(validated, name)
        if read_body is not None:
            assert body is not None
            kwargs[body.name] = await read_body(req)
        if files:
            form = await req.form()
            for name, (annotation, default) in files:
                values = [value for value in form.getlist(name) if not isinstance(value, str)]
                if getattr(annotation, "__origin__", None) is list:
                    kwargs[name] = values
                elif values:
                    kwargs[name] = values[0]
                elif default is not inspect.Parameter.empty:
                    kwargs[name] = default
                else:
                    raise UnprocessableEntity(
                        f"Missing file field {name!r}",
                        data=[{"loc": ["body", name], "msg": "Field required", "type": "missing"}],
                    )

    return resolve


def _handler_call(
    instance: Any, func: Callable[..., Any], params: HandlerParams
) -> CallNext:
    """The innermost step: resolve parameters, then run the handler (sync ones in a thread)."""
    method = func.__get__(instance)
    resolve = _param_resolver(params)
    request_name = params.request_name
    is_async = inspect.iscoroutinefunction(func)
    is_async_gen = inspect.isasyncgenfunction(func)

    if is_async_gen:

        async def call_stream(req: Request, kwargs: dict[str, Any]) -> Any:
            if resolve is not None:
                await resolve(req, kwargs)
            if request_name is not None:
                kwargs[request_name] = req
            return req.response.stream(method(**kwargs))

        return call_stream

    if not is_async:

        async def call_sync(req: Request, kwargs: dict[str, Any]) -> Any:
            if resolve is not None:
                await resolve(req, kwargs)
            if request_name is not None:
                kwargs[request_name] = req
            # PERF: run_in_executor directly is cheaper than anyio's thread helpers.
            context = contextvars.copy_context()
            call = functools.partial(context.run, method, **kwargs)
            return await asyncio.get_running_loop().run_in_executor(None, call)

        return call_sync

    if resolve is None:
        if request_name is None:
            return lambda req, kwargs: method(**kwargs)
        # PERF: the common `async def h(self, req)` shape skips the kwargs machinery.
        return lambda req, kwargs: method(req, **kwargs) if kwargs else method(req)

    async def call(req: Request, kwargs: dict[str, Any]) -> Any:
        await resolve(req, kwargs)
        if request_name is not None:
            kwargs[request_name] = req
        return await method(**kwargs)

    return call


def _sent_media_type(response: Response) -> str | None:
    """The media type the response will carry (an explicit Content-Type header wins), no parameters."""
    value = response.media_type
    if response.headers:
        value = next((v for k, v in response.headers.items() if k.lower() == "content-type"), value)
    return value.split(";", 1)[0].strip().lower() if value else None


def _produces_check(app: Surge, name: str, produces: str) -> Callable[[Response], None]:
    """Apply ``@produces`` to a finished response.

    A response without a media type gets ``produces`` (unless it has no body: 204/304, or
    ``MediaType.NO_CONTENT``, which is a marker, not a wire value). A response the handler gave
    another media type keeps it, and the app logs a warning, once per endpoint, as the seed says.
    """
    declared = None if produces == MediaType.NO_CONTENT else produces
    expected = None if declared is None else declared.split(";", 1)[0].strip().lower()
    warned = False
    matching: set[str] = set()  # media_type values already seen to match (a handful)

    def check(response: Response) -> None:
        nonlocal warned
        if not response.headers and response.media_type in matching:
            return  # PERF: the usual case, without re-parsing the media type per request
        actual = _sent_media_type(response)
        if actual is not None and actual == expected and not response.headers and response.media_type:
            matching.add(response.media_type)
        if actual is None:
            if declared is not None and response.status_code not in _BODYLESS_STATUSES:
                response.media_type = declared
            return
        if actual != expected and not warned:
            warned = True
            app.logger.warning(f"{name} is declared @produces({produces}) but responded with {actual}")

    return check


def _finisher(app: Surge, name: str, spec: EndpointSpec, params: HandlerParams) -> Callable[[Request, Any], Response]:
    """Turn what the handler returned into the Response to send."""
    check_produces = _produces_check(app, name, spec.produces) if spec.produces is not None else None
    default_status = spec.status_code
    model = params.response_model
    adapter: TypeAdapter[Any] | None = TypeAdapter(model) if model is not None else None
    model_class = model if isinstance(model, type) else None  # list[Note] cannot be isinstance-checked

    def finish(req: Request, result: Any) -> Response:
        if isinstance(result, Response):
            response = result
        elif result is None:
            response = req.response
        else:
            response = req.response.json(result)
            if default_status is not None:
                response.status_code = default_status
        if check_produces is not None:
            check_produces(response)
        if adapter is not None and response.has_json and response.status_code < 400:
            data = response.json_data
            if model_class is None or not isinstance(data, model_class):
                data = adapter.validate_python(data, from_attributes=True)
            response.set_json_body(adapter.dump_json(data))
        return response

    return finish


def _bound_hooks(instance: Any, kind: str) -> list[Callable[..., Any]]:
    """``@before_request`` / ``@after_request`` methods, in alphabetical order (as the seed says)."""
    found = []
    for name in sorted(dir(type(instance))):
        attr = getattr(type(instance), name, None)
        if getattr(attr, "__surge_hook__", None) == kind:
            found.append(getattr(instance, name))
    return found


def compile_endpoint(
    app: Surge,
    instance: Any,
    func: Callable[..., Any],
    spec: EndpointSpec,
    controller: ControllerSpec,
    params: HandlerParams,
) -> Endpoint:
    """Build the per-request callable for one endpoint.

    Order: controller guards -> ``@before_request`` hooks -> extension wrappers (top decorator
    outermost) -> parameter resolution -> handler -> ``@after_request`` hooks. Extension
    wrappers receive the finished :class:`Response` from ``call_next``.
    """
    call: CallNext = _handler_call(instance, func, params)
    if params.injector is not None:  # dependency injection: innermost, inside extension wrappers
        call = params.injector.wrap(app, call, instance, func)
    finish = _finisher(app, f"{type(instance).__name__}.{func.__name__}", spec, params)
    if spec.wrappers:
        handler_call = call

        async def finished_call(req: Request, kwargs: dict[str, Any]) -> Response:
            return finish(req, await handler_call(req, kwargs))

        # Wrappers always see a finished Response; `finish` below is idempotent for those
        # and still handles a wrapper that answers with a plain value.
        call = finished_call
        for wrapper in spec.wrappers:  # decorators apply bottom-up: the last one listed is the top
            call = wrapper.wrap(app, call)
    guards = tuple(controller.guards)
    before = tuple(_bound_hooks(instance, "before"))
    after = tuple(_bound_hooks(instance, "after"))

    if not (guards or before or after):

        async def endpoint_plain(req: Request) -> Response:
            return finish(req, await call(req, {}))

        return endpoint_plain

    async def endpoint(req: Request) -> Response:
        for guard in guards:
            await guard(req)
        for hook in before:
            early = await hook(req)
            if isinstance(early, Response):
                return early
        response = finish(req, await call(req, {}))
        for hook in after:
            replaced = await hook(response)
            if isinstance(replaced, Response):
                response = replaced
        return response

    return endpoint


def compile_socket(
    app: Surge,
    instance: Any,
    func: Callable[..., Any],
    spec: EndpointSpec,
    controller: ControllerSpec,
    params: HandlerParams,
) -> Callable[[Request], Awaitable[None]]:
    """Build the callable for a websocket handler: guards and wrappers, then the handler."""
    call: CallNext = _handler_call(instance, func, params)
    if params.injector is not None:
        call = params.injector.wrap(app, call)
    for wrapper in spec.wrappers:
        call = wrapper.wrap(app, call)
    guards = tuple(controller.guards)

    async def socket_endpoint(req: Request) -> None:
        for guard in guards:
            await guard(req)
        await call(req, {})

    return socket_endpoint
