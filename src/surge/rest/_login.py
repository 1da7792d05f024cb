"""``POST /auth/login`` and ``POST /auth/token``: trade a user name and password for a token."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol

from pydantic import BaseModel, Field

from surge.controller.controller import Controller
from surge.controller.decorators import Descriptor
from surge.controller.spec import CallNext, endpoint_spec
from surge.http.request import Request
from surge.http.response import Response
from surge.rest._controller import convert_error
from surge.rest._crud import json_response
from surge.rest._openapi import ErrorBody, ValidationErrorBody
from surge.rest.authentication import AuthenticationFailed

if TYPE_CHECKING:
    from collections.abc import Mapping

    from surge.controller.context import CompileContext
    from surge.types import HandlerKwargs

__all__ = ["LoginApi", "LoginController", "LoginRequest", "build_login_controller"]


class LoginApi(Protocol):
    """What the login routes use of their ``RestApi`` (which builds them: no import back)."""

    async def validate_login(self, username: str, password: str) -> dict[str, Any] | None:
        """The user payload for these credentials (None: refused)."""
        ...

    def login_mode(self) -> Literal["jwt", "basic"]:
        """What ``/auth/login`` answers: a token (jwt) or only the user (basic)."""
        ...

    def create_token(self, payload: Mapping[str, Any], expires_in: int | None = None) -> str:
        """A JWT carrying ``payload``."""
        ...


class LoginRequest(BaseModel):
    """The credentials to check."""

    username: str = Field(min_length=1, max_length=256)
    password: str = Field(min_length=1, max_length=1024)


class LoginResponse(BaseModel):
    """A token (JWT mode) and the user payload."""

    token: str | None = None
    user: dict[str, Any]


class _SeedErrors:
    """Answer client errors with the seed's ``{"detail": ...}`` body."""

    provides: tuple[str, ...] = ()

    def wrap(self, ctx: CompileContext, call_next: CallNext) -> CallNext:
        """Answer the client errors that ``call_next`` raises with the seed's body."""

        async def step(req: Request, kwargs: HandlerKwargs) -> Any:
            try:
                return await call_next(req, kwargs)
            except Exception as exc:
                response = convert_error(req, exc)
                if response is None:
                    raise
                return response

        return step


class LoginController(Controller):
    """Log in with a user name and password."""

    api: ClassVar[LoginApi]

    async def _login(self, req: Request, body: LoginRequest) -> Response:
        api = self.api
        user = await api.validate_login(body.username, body.password)
        if user is None:
            raise AuthenticationFailed(detail="Invalid credentials.")
        if api.login_mode() == "basic":
            return json_response(req, {"user": user})
        return json_response(req, {"token": api.create_token(user), "user": user})


def build_login_controller(api: LoginApi) -> type[LoginController]:
    """A login controller bound to ``api`` (its routes get their metadata here)."""

    async def login(self: LoginController, req: Request, body: LoginRequest) -> Response:
        return await self._login(req, body)

    async def token(self: LoginController, req: Request, body: LoginRequest) -> Response:
        return await self._login(req, body)

    namespace: dict[str, Any] = {"api": api, "__module__": __name__, "__doc__": LoginController.__doc__}
    for name, func, doc in (
        ("login", login, "Log in: answers a token (JWT mode) and the user payload."),
        ("token", token, "Obtain a token: the same as login."),
    ):
        func.__doc__ = doc
        func.__annotations__ = {"req": Request, "body": LoginRequest, "return": Response}
        spec = endpoint_spec(func)
        spec.methods.append(("POST", f"/{name}"))
        spec.tags = ["auth"]
        spec.consumes = "application/json"
        spec.wrappers.append(_SeedErrors())
        spec.descriptors.extend(
            [
                Descriptor(status=200, description="Logged in", body=LoginResponse),
                Descriptor(status=401, description="Invalid credentials", body=ErrorBody),
                Descriptor(status=422, description="Validation error", body=ValidationErrorBody),
            ]
        )
        namespace[name] = func
    return type("RestAuthController", (LoginController,), namespace)
