"""The OpenAPI 3.1 document of an app, built from its registered routes.

A plain function of the app's routes and config (no I/O): the docs controller serves it, the
``surge openapi`` command prints it, tests validate it. Everything it needs was decided at
startup: the route rules, the decorators' :class:`EndpointSpec` and the compiled
:class:`HandlerParams` (route, query, body, files, ``Response[Model]``).
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import orjson

from surge.annotations import is_list_type
from surge.controller.params import HandlerParams
from surge.controller.spec import EndpointInfo
from surge.di import RequestParameter, request_parameters
from surge.http.media_types import MediaType
from surge.openapi._errors import ERROR_SCHEMA, VALIDATION_ERROR_SCHEMA, add_error_responses, error_statuses
from surge.openapi._helpers import _json_default, _merge, _phrase, _split_docstring
from surge.openapi._parameters import lift, request_fields, shown
from surge.openapi._schemas import Mode, SchemaRegistry
from surge.openapi._security import default_security, security_schemes
from surge.openapi.examples import apply_examples
from surge.types import ConfigContext

if TYPE_CHECKING:
    from surge.routing.router import Route, Router

__all__ = ["OPENAPI_VERSION", "OpenAPISource", "build_openapi", "openapi_path"]

OPENAPI_VERSION = "3.1.0"
_HTTP_METHODS = frozenset({"GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"})
_FORM_TYPES = frozenset({MediaType.MULTIPART_FORM_DATA.value, MediaType.APPLICATION_X_WWW_FORM_URLENCODED.value})
_EMPTY = inspect.Parameter.empty
class OpenAPISource(ConfigContext, Protocol):
    """What the generator reads from the app: its routes, extensions and config."""

    @property
    def router(self) -> Router: ...

    @property
    def extensions(self) -> Mapping[str, object]: ...

    def compile(self) -> None:
        """Analyse every endpoint's handler (once), so ``route.info.params`` is set."""


def openapi_path(route: Route) -> str:
    """``/users/<int:user_id>`` -> ``/users/{user_id}``."""
    return "".join(part if isinstance(part, str) else "{" + part[0] + "}" for part in route.rule.parts)


class _Operation:
    """One operation: registers its annotations first, renders after schemas are resolved."""

    def __init__(
        self, route: Route, info: EndpointInfo, params: HandlerParams, registry: SchemaRegistry, extensions: list[object]
    ) -> None:
        self.route = route
        self.extensions = extensions
        self.info = info
        self.path = openapi_path(route)
        self.method = route.method.lower()
        self.params = params
        self._registry = registry
        self.path_keys = {}
        by_rule_name = {params.wire.get(name, name): name for name in params.route}
        for name, converter in route.rule.params.items():
            annotation = params.route.get(by_rule_name.get(name, name), Any)
            self.path_keys[name] = self._key(converter.python_type if annotation is Any else annotation)
        # query, header and cookie parameters, each (location, handler name, schema key)
        self.field_keys = [
            (location, name, self._key(annotation))
            for location, fields in request_fields(params).items()
            for name, (annotation, _) in fields.items()
            if shown(params, name)
        ]
        # query and header parameters that the endpoint's dependency providers read (surge.di)
        own = {(location, params.wire.get(name, name)) for location, name, _ in self.field_keys}
        self.dependency_params = [p for p in request_parameters(params) if (p.location, p.name) not in own]
        self.dependency_keys = [self._key(p.annotation) for p in self.dependency_params]
        self.body_key = self._key(params.body.annotation) if params.body is not None else None
        model = params.response_model
        self.response_key = self._key(model, "serialization") if model is not None else None
        self.descriptor_keys = [
            self._key(d.body, "serialization") if d.body is not None else None for d in info.spec.descriptors
        ]

    def _key(self, annotation: object, mode: Mode = "validation") -> tuple[int, Mode]:
        return self._registry.add(annotation, mode)

    def render(self, operation_id: str, refs: tuple[str, str]) -> dict[str, Any]:
        spec = self.info.spec
        cspec = self.info.controller_spec
        schema = self._registry.schema
        summary, description = _split_docstring(self.info.func)
        operation: dict[str, Any] = {
            "tags": list(spec.tags or cspec.tags or [self.info.controller.__name__]),
            "operationId": operation_id,
        }
        if spec.summary or summary:
            operation["summary"] = spec.summary or summary
        if spec.description or description:
            operation["description"] = spec.description or description
        parameters = [
            lift({"name": name, "in": "path", "required": True}, schema(key)) for name, key in self.path_keys.items()
        ]
        for location, name, key in self.field_keys:
            parameters.append(self._field_parameter(location, name, schema(key)))
        for dependency, key in zip(self.dependency_params, self.dependency_keys, strict=True):
            parameters.append(self._dependency_parameter(dependency, schema(key)))
        if parameters:
            operation["parameters"] = parameters
        body = self._request_body()
        if body is not None:
            operation["requestBody"] = body
        operation["responses"] = self._responses(*refs)
        security = spec.extra.get("security", cspec.extra.get("security"))
        if security is None and (spec.extra.get("login_required") or cspec.extra.get("login_required")):
            security = default_security(self.extensions)  # a decorator that named no scheme
        if security is not None:
            operation["security"] = list(security)
        extra = spec.extra.get("openapi")
        if isinstance(extra, dict):
            _merge(operation, extra)
        apply_examples(operation, spec.extra)
        return operation

    def _field_parameter(self, location: str, name: str, schema: dict[str, Any]) -> dict[str, Any]:
        """A query, header or cookie parameter: its wire name, constraints in ``schema``."""
        annotation, default = request_fields(self.params)[location][name]
        parameter: dict[str, Any] = {
            "name": self.params.wire.get(name, name),
            "in": location,
            "required": default is _EMPTY,
        }
        if default is not _EMPTY and default is not None:
            ok, value = _json_default(default)
            if ok:
                schema["default"] = value
        if location == "query" and is_list_type(annotation):
            parameter["explode"] = True
        return lift(parameter, schema)

    def _dependency_parameter(self, param: RequestParameter, schema: dict[str, Any]) -> dict[str, Any]:
        parameter: dict[str, Any] = {"name": param.name, "in": param.location, "required": param.required}
        description = schema.pop("description", None)
        if description:
            parameter["description"] = description
        if not param.required and param.default is not None:
            ok, value = _json_default(param.default)
            if ok:
                schema["default"] = value
        if param.location == "query" and is_list_type(param.annotation):
            parameter["explode"] = True
        parameter["schema"] = schema
        return parameter

    def _request_body(self) -> dict[str, Any] | None:
        params = self.params
        consumes = self.info.spec.consumes
        schema: dict[str, Any] | None = None
        media = consumes
        if params.body is not None:
            schema = self._registry.schema(self.body_key) if self.body_key is not None else {}
            media = params.body.media_type
        if params.files:
            properties: dict[str, Any] = {}
            required: list[str] = []
            for name, (annotation, default) in params.files.items():
                binary: dict[str, Any] = {"type": "string", "format": "binary"}
                wire = params.wire.get(name, name)
                properties[wire] = {"type": "array", "items": binary} if is_list_type(annotation) else binary
                marker = params.markers.get(name)
                if marker is not None and "description" in marker.constraints:
                    properties[wire] = {**properties[wire], "description": marker.constraints["description"]}
                if default is _EMPTY and not is_list_type(annotation):
                    required.append(wire)
            files_schema: dict[str, Any] = {"type": "object", "properties": properties}
            if required:
                files_schema["required"] = required
            schema = files_schema if schema is None else {"allOf": [schema, files_schema]}
            if media not in _FORM_TYPES:
                media = MediaType.MULTIPART_FORM_DATA.value
        if media is None or media == MediaType.NO_CONTENT.value:
            return None
        content: dict[str, Any] = {media: {} if schema is None else {"schema": schema}}
        return {"required": schema is not None, "content": content}

    def _responses(self, error_ref: str, validation_ref: str) -> dict[str, Any]:
        spec = self.info.spec
        status = int(spec.status_code or 200)
        success: dict[str, Any] = {"description": _phrase(status)}
        media = spec.produces or (MediaType.APPLICATION_JSON.value if self.response_key is not None else None)
        if status not in (204, 304) and media is not None and media != MediaType.NO_CONTENT.value:
            if self.response_key is not None:
                success["content"] = {media: {"schema": self._registry.schema(self.response_key)}}
            else:
                success["content"] = {media: {}}
        responses: dict[str, Any] = {str(status): success}
        for descriptor, key in zip(spec.descriptors, self.descriptor_keys, strict=True):
            code = int(descriptor.status)
            entry: dict[str, Any] = {"description": descriptor.description or _phrase(code)}
            if key is not None:
                entry["content"] = {str(descriptor.media_type): {"schema": self._registry.schema(key)}}
            elif code >= 400 and str(descriptor.media_type) != MediaType.APPLICATION_JSON.value:
                entry["content"] = {str(descriptor.media_type): {}}
            responses[str(code)] = entry
        params = self.params
        validated = bool(
            params.body is not None
            or params.query
            or params.headers
            or params.cookies
            or any(name in params.markers for name in params.route)
            or params.files
            or self.dependency_params
        )
        statuses = error_statuses(self.route, self.info, params, validated=validated, extensions=self.extensions)
        add_error_responses(responses, statuses, error_ref=error_ref, validation_ref=validation_ref)
        return responses


def _refers(response: object, refs: set[str]) -> bool:
    """True when ``response`` (or an ``anyOf`` in it) refers to one of ``refs``."""
    if not isinstance(response, dict):
        return False
    text = orjson.dumps(response.get("content", {})).decode()
    return any(f'"$ref":"{ref}"' in text for ref in refs)


def _documented(app: OpenAPISource, route: Route) -> bool:
    info = route.info
    if not isinstance(info, EndpointInfo) or route.method not in _HTTP_METHODS or info.params is None:
        return False
    spec, cspec = info.spec, info.controller_spec
    if not (spec.open_api_spec and cspec.open_api_spec):
        return False
    return app.debug or not (spec.development or cspec.development)


def _operations(app: OpenAPISource, registry: SchemaRegistry) -> list[_Operation]:
    """One operation per documented route, its annotations registered with ``registry``."""
    routes = app.router.routes
    if any(isinstance(route.info, EndpointInfo) and route.info.params is None for route in routes):
        app.compile()  # handler parameters are analysed when the app compiles
    extensions = list({id(extension): extension for extension in app.extensions.values()}.values())
    operations = []
    for route in routes:
        if _documented(app, route):
            info: EndpointInfo = route.info
            assert info.params is not None  # _documented checked it
            operations.append(_Operation(route, info, info.params, registry, extensions))
    return operations


@dataclass(slots=True)
class _Paths:
    """The ``paths`` and ``tags`` sections, filled one rendered operation at a time."""

    error_ref: str
    validation_ref: str
    paths: dict[str, dict[str, Any]] = field(default_factory=dict)
    tags: dict[str, dict[str, Any]] = field(default_factory=dict)
    used_ids: set[str] = field(default_factory=set)
    used_security: set[str] = field(default_factory=set)
    needs_error: bool = False
    needs_validation: bool = False

    def operation_id(self, operation: _Operation) -> str:
        """The operation's id, made unique (``_<method>``, then a counter) when taken."""
        operation_id = operation.info.spec.operation_id or operation.info.name
        if operation_id in self.used_ids:
            operation_id = f"{operation_id}_{operation.method}"
        counter = 2
        base_id = operation_id
        while operation_id in self.used_ids:
            operation_id = f"{base_id}_{counter}"
            counter += 1
        self.used_ids.add(operation_id)
        return operation_id

    def add(self, operation: _Operation) -> None:
        rendered = operation.render(self.operation_id(operation), (self.error_ref, self.validation_ref))
        self.paths.setdefault(operation.path, {})[operation.method] = rendered
        for response in rendered["responses"].values():
            self.needs_error = self.needs_error or _refers(response, {self.error_ref})
            self.needs_validation = self.needs_validation or _refers(response, {self.validation_ref})
        for requirement in rendered.get("security", []):
            self.used_security.update(requirement)
        for tag in rendered["tags"]:
            if tag not in self.tags:
                self.tags[tag] = self._tag(tag, operation)

    @staticmethod
    def _tag(tag: str, operation: _Operation) -> dict[str, Any]:
        entry: dict[str, Any] = {"name": tag}
        controller = operation.info.controller
        controller_tags = operation.info.controller_spec.tags or [controller.__name__]
        own_doc = controller.__doc__ if tag in controller_tags else None  # never a base's
        if own_doc:
            entry["description"] = inspect.cleandoc(own_doc).split("\n\n")[0]
        return entry


def build_openapi(app: OpenAPISource) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``app``'s documented endpoints.

    Endpoints with ``open_api_spec=False`` (on the endpoint or its controller), websockets,
    and ``@development`` ones outside DEBUG are left out.
    """
    registry = SchemaRegistry()
    operations = _operations(app, registry)
    registry.resolve()
    components = dict(registry.components)
    error_name, validation_name = (
        f"Surge{name}" if name in components else name for name in ("ErrorResponse", "ValidationErrorResponse")
    )
    sections = _Paths(f"#/components/schemas/{error_name}", f"#/components/schemas/{validation_name}")
    for operation in operations:
        sections.add(operation)
    if sections.needs_error:
        components[error_name] = ERROR_SCHEMA
    if sections.needs_validation:
        components[validation_name] = VALIDATION_ERROR_SCHEMA
    document: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": app.get_conf("APP_NAME"),
            "version": app.get_conf("VERSION"),
            "description": app.get_conf("OPEN_API_DESCRIPTION", ""),
        },
        "paths": sections.paths,
    }
    if sections.tags:
        document["tags"] = list(sections.tags.values())
    component_section: dict[str, Any] = {}
    if components:
        component_section["schemas"] = components
    schemes = security_schemes(app.extensions.values(), [op.info for op in operations], sections.used_security)
    if schemes:
        component_section["securitySchemes"] = schemes
    if component_section:
        document["components"] = component_section
    return document
