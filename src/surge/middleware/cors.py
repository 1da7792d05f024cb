"""CORS policies, resolved per endpoint at startup (global config, ``@cors``, ``@no_cors``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from surge.exceptions.http import Forbidden, MethodNotAllowed
from surge.types import ConfigContext

if TYPE_CHECKING:
    from surge.http.request import Request
    from surge.http.response import Response

__all__ = ["CorsPolicy", "cors_endpoint", "preflight_response"]


@dataclass(frozen=True, slots=True)
class CorsPolicy:
    """One CORS policy.

    ``*`` answers ``Access-Control-Allow-Origin: *`` and never allows credentials, whatever
    ``allow_credentials`` says: echoing any origin with credentials would let every site read
    a logged-in user's responses. Credentials go only to origins listed by name.
    """

    allow_origins: tuple[str, ...] = ("*",)
    allow_methods: tuple[str, ...] = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
    allow_headers: tuple[str, ...] = ("Authorization", "Content-Type")
    expose_headers: tuple[str, ...] = ()
    allow_credentials: bool = True
    max_age: int | None = None

    @classmethod
    def from_config(cls, config: ConfigContext) -> CorsPolicy:
        """The global policy from the ``CORS_*`` config keys."""
        return cls(
            allow_origins=tuple(config.get_conf("CORS_ALLOW_ORIGINS")),
            allow_methods=tuple(m.upper() for m in config.get_conf("CORS_ALLOW_METHODS")),
            allow_headers=tuple(config.get_conf("CORS_ALLOW_HEADERS")),
            expose_headers=tuple(config.get_conf("CORS_EXPOSE_HEADERS")),
            allow_credentials=bool(config.get_conf("CORS_ALLOW_CREDENTIALS")),
            max_age=config.get_conf("CORS_MAX_AGE"),
        )

    def override(self, values: dict[str, Any]) -> CorsPolicy:
        """This policy with the keys of an ``@cors(...)`` decorator replaced."""
        changes: dict[str, Any] = {k: (tuple(v) if isinstance(v, list) else v) for k, v in values.items()}
        if "allow_methods" in changes:
            changes["allow_methods"] = tuple(m.upper() for m in changes["allow_methods"])
        return replace(self, **changes)

    def origin_allowed(self, origin: str) -> bool:
        """True when ``origin`` may make requests."""
        return "*" in self.allow_origins or origin in self.allow_origins

    def response_headers(self, origin: str) -> dict[str, str]:
        """Headers added to an actual (non-preflight) response for an allowed ``origin``."""
        headers: dict[str, str]
        if origin in self.allow_origins:
            headers = {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
            if self.allow_credentials:
                headers["Access-Control-Allow-Credentials"] = "true"
        else:
            headers = {"Access-Control-Allow-Origin": "*"}
            if len(self.allow_origins) > 1:
                # named origins get other headers: caches must key on Origin
                headers["Vary"] = "Origin"
        if self.expose_headers:
            headers["Access-Control-Expose-Headers"] = ", ".join(self.expose_headers)
        return headers

    def preflight_headers(self, origin: str, requested_headers: str | None) -> dict[str, str]:
        """Headers of the answer to an allowed preflight request."""
        headers = self.response_headers(origin)
        headers.pop("Access-Control-Expose-Headers", None)
        headers["Access-Control-Allow-Methods"] = ", ".join(self.allow_methods)
        if "*" in self.allow_headers and requested_headers:
            headers["Access-Control-Allow-Headers"] = requested_headers
        elif self.allow_headers:
            headers["Access-Control-Allow-Headers"] = ", ".join(self.allow_headers)
        if self.max_age is not None:
            headers["Access-Control-Max-Age"] = str(self.max_age)
        return headers

    def headers_allowed(self, requested_headers: str | None) -> bool:
        """True when every header named in ``Access-Control-Request-Headers`` is allowed."""
        if not requested_headers or "*" in self.allow_headers:
            return True
        allowed = {h.lower() for h in self.allow_headers}
        simple = {"accept", "accept-language", "content-language"}
        return all(
            h.strip().lower() in allowed or h.strip().lower() in simple
            for h in requested_headers.split(",")
            if h.strip()
        )


def cors_endpoint(
    handler: Callable[[Request], Awaitable[Response]],
    policy: CorsPolicy,
    method: str,
    handle_exception: Callable[[Request, BaseException], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    """Wrap one endpoint with ``policy`` (compiled at startup, per endpoint).

    A disallowed origin gets 403, a method outside the policy 405; error responses carry the
    CORS headers too, so browsers can read them.
    """
    method_allowed = method in policy.allow_methods or (method == "HEAD" and "GET" in policy.allow_methods)

    def with_cors(req: Request) -> Awaitable[Response]:
        origin = req.header(b"origin")
        if origin is None:  # not a cross-origin request: the endpoint's own awaitable, no extra frame
            return handler(req)
        return cross_origin(req, origin)

    async def cross_origin(req: Request, origin: str) -> Response:
        if not policy.origin_allowed(origin):
            raise Forbidden(f"Origin {origin} is not allowed")
        if not method_allowed:
            raise MethodNotAllowed(list(policy.allow_methods), message=f"Method {method} is not allowed by CORS")
        try:
            response = await handler(req)
        except Exception as exc:
            response = await handle_exception(req, exc)
        response.headers.update(policy.response_headers(origin))
        return response

    return with_cors


def preflight_response(
    response: Response, policy: CorsPolicy, origin: str, method: str, requested_headers: str | None
) -> Response:
    """Answer a CORS preflight: 204 with the policy's headers, or the refusal.

    A refused origin or header is 403; a method outside the policy is 405 with ``Allow``
    (the seed's "CORS responses").
    """
    if not policy.origin_allowed(origin):
        return response.json({"status": "error", "message": f"Origin {origin} is not allowed"}).status(403)
    if method not in policy.allow_methods and not (method == "HEAD" and "GET" in policy.allow_methods):
        response.headers["Allow"] = ", ".join(policy.allow_methods)
        message = f"Method {method} is not allowed by CORS"
        return response.json({"status": "error", "message": message}).status(405)
    if not policy.headers_allowed(requested_headers):
        message = f"CORS preflight for {method} refused: headers {requested_headers} not allowed"
        return response.json({"status": "error", "message": message}).status(403)
    response.headers.update(policy.preflight_headers(origin, requested_headers))
    return response.no_content()
