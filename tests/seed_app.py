"""The seed's example application (PyJolt/Patera README, seeds 000-002), shared by the
``test_seed_*.py`` files that check the core against the README, one module each.

The seed's code, renamed (``pyjolt`` -> ``surge``, ``PyJolt`` -> ``Surge``,
``PyJoltTestClient`` -> ``SurgeTestClient``): its controllers, exception handler and
blank-start ``Application``. A test module that imports a class from here can name it in
config as ``f"{MODULE}:Name"`` with its own ``MODULE = __name__``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from surge import (
    BaseConfig,
    HttpStatus,
    MediaType,
    Request,
    Response,
    Surge,
    abort,
    app,
    html_abort,
    on_shutdown,
    on_startup,
)
from surge.controller import (
    Controller,
    Descriptor,
    consumes,
    get,
    open_api_docs,
    path,
    post,
    produces,
    socket,
)
from surge.exceptions import AborterException, BaseHttpException, CustomException, ExceptionHandler, handles

MODULE = __name__


def write_app_folder(tmp_path: Path) -> Path:
    """An ``app`` folder with the default ``templates`` and ``static`` folders in it (the ``app_folder`` fixture)."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "my_template.html").write_text("<h1>{{ user.fullname }}</h1><p>{{ user_id }}</p>")
    (tmp_path / "templates" / "error.html").write_text("<h1>Error</h1><p>{{ message }}</p>")
    (tmp_path / "static" / "img").mkdir(parents=True)
    (tmp_path / "static" / "my_image.png").write_bytes(b"\x89PNG fake image")
    (tmp_path / "static" / "img" / "logo.png").write_bytes(b"\x89PNG logo")
    return tmp_path


class UserData(BaseModel):
    email: str
    fullname: str


class ErrorResponse(BaseModel):
    message: str
    details: Any | None = None


@path("/api/v1/users")
class UsersApi(Controller):
    @get("/<int:user_id>")
    @produces(MediaType.APPLICATION_JSON)
    @open_api_docs(
        Descriptor(status=HttpStatus.NOT_FOUND, description="User not found", body=ErrorResponse),
        Descriptor(status=HttpStatus.BAD_REQUEST, description="Bad request", body=ErrorResponse),
    )
    async def get_user(self, req: Request, user_id: int) -> Response:
        """Returns a user by user_id"""
        return req.response.json({
            "id": user_id,
            "fullname": "John Doe",
            "email": "johndoe@email.com",
        }).status(HttpStatus.OK)

    @post("/")
    @consumes(MediaType.APPLICATION_JSON)
    @produces(MediaType.APPLICATION_JSON)
    async def create_user(self, req: Request, user_data: UserData) -> Response[UserData]:
        """Creates new user"""
        return req.response.json(user_data).status(HttpStatus.CREATED)

    @socket("/ws")
    async def socket_handler(self, req: Request) -> None:
        """Example socket handler (the seed's, with a bounded loop)."""
        await req.accept()
        for _ in range(100):
            data = await req.receive()
            if data["type"] == "websocket.disconnect":
                break
            if data["type"] == "websocket.receive":
                await req.res.send({
                    "type": "websocket.send",
                    "text": "Hello from server. Echo: " + data.get("text", ""),
                })


EVENTS: list[str] = []


@path("/api/v1/info")
class InfoApi(Controller):
    @get("/")
    async def info(self, req: Request) -> Response:
        application = self.app
        return req.response.json({
            "events": list(EVENTS),
            "app_name": application.app_name,
            "version": application.version,
            "secret": application.get_conf("SECRET_KEY"),
            "missing": application.get_conf("NOT_A_KEY", "fallback"),
            "configs_app_name": application.configs["APP_NAME"],
            "root_path": application.root_path,
            "static_files_path": application.static_files_path,
            "app_is_self": application.app is application,
            "has_logger": hasattr(application.logger, "info"),
            "user_url": application.url_for("UsersApi.get_user", user_id=7),
        })


def make_application(base_path: Path) -> type[Surge]:
    """The seed's blank-start app: a Config class and ``@app(__name__, configs=Config)``."""

    class Config(BaseConfig):  # must inherit from BaseConfig
        """Config class"""

        APP_NAME: str = "Test app"
        VERSION: str = "1.0"
        SECRET_KEY: str = "some-super-secret-key"
        BASE_PATH: str = str(base_path)
        DEBUG: bool = False
        CONTROLLERS: list[str] = [f"{MODULE}:UsersApi", f"{MODULE}:InfoApi"]


    @app(__name__, configs=Config)
    class Application(Surge):
        @on_startup
        async def first_startup_method(self) -> None:
            EVENTS.append("startup:first")

        @on_startup
        async def another_startup_method(self) -> None:  # runs first: alphabetical order
            EVENTS.append("startup:another")

        @on_shutdown
        async def first_shutdown_method(self) -> None:
            EVENTS.append("shutdown:first")

    return Application


@path("/objects")
class ObjectsApi(Controller):
    @get("/request/<string:name>/<int:number>")
    async def request_attributes(self, req: Request, name: str, number: int) -> Response:
        req.state.seen = True
        return req.res.json({
            "route_parameters": req.route_parameters,
            "method": req.method,
            "path": req.path,
            "query_string": req.query_string,
            "header": req.headers["x-custom"],
            "headers_is_dict": isinstance(req.headers, dict),
            "query_params": dict(req.query_params),
            "user": req.user,
            "res_is_response": req.res is req.response and isinstance(req.res, Response),
            "state": req.state.seen,
        })

    @get("/status")
    async def status(self, req: Request) -> Response:
        return req.res.json({"ok": False}).status(HttpStatus.ACCEPTED)

    @get("/status-int")
    async def status_int(self, req: Request) -> Response:
        return req.res.text("teapot").status(418)

    @get("/redirect")
    async def redirect(self, req: Request) -> Response:
        return req.res.redirect("url-for-location")

    @get("/redirect-307")
    async def redirect_307(self, req: Request) -> Response:
        return req.res.redirect("/elsewhere", HttpStatus.TEMPORARY_REDIRECT)

    @get("/redirect-endpoint")
    async def redirect_endpoint(self, req: Request) -> Response:
        return req.response.redirect(self.app.url_for("UsersApi.get_user", user_id=5))

    @get("/no-content")
    async def no_content(self, req: Request) -> Response:
        return req.res.no_content()

    @get("/text")
    async def text(self, req: Request) -> Response:
        return req.res.text("hello")

    @get("/html-string")
    async def html_string(self, req: Request) -> Response:
        return req.res.html_from_string("<p>{{ name }}</p>", {"name": "<Ann>"})

    @get("/html-string-no-context")
    async def html_string_no_context(self, req: Request) -> Response:
        return await req.res.html_from_string("<p>static</p>")

    @get("/file-bytes")
    async def file_bytes(self, req: Request) -> Response:
        return req.res.send_file(b"%PDF-1.4 fake", {"content-type": "application/pdf", "x-file": "yes"})

    @get("/file-path")
    async def file_path(self, req: Request) -> Response:
        return req.res.send_file(os.path.join(self.app.static_files_path, "my_image.png"), {"x-file": "path"})

    @get("/header")
    async def header(self, req: Request) -> Response:
        return req.res.set_header("x-one", "1").set_header("x-two", "2").text("headers")

    @get("/cookie")
    async def cookie(self, req: Request) -> Response:
        return req.res.set_cookie(
            "session", "abc", max_age=60, path="/objects", domain="example.com", secure=True, http_only=True
        ).text("cookie")

    @get("/cookie-defaults")
    async def cookie_defaults(self, req: Request) -> Response:
        return req.res.set_cookie("plain", "v", http_only=False).text("cookie")

    @get("/delete-cookie")
    async def delete_cookie(self, req: Request) -> Response:
        return req.res.delete_cookie("session", path="/objects", domain="example.com").text("deleted")


class MyCustomException(Exception):
    """implementation"""


class MyCustomHttpException(BaseHttpException):
    """implementation"""


class CustomExceptionFromCustomException(CustomException):
    """implementation"""


class SomeOtherException(Exception):
    pass


class AThirdException(Exception):
    pass


class CustomExceptionHandler(ExceptionHandler):
    @handles(ValidationError)
    async def validation_error(self, req: Request, exc: ValidationError) -> Response[ErrorResponse]:
        """Handles validation errors"""
        details = {}
        if hasattr(exc, "errors"):
            for error in exc.errors():
                details[error["loc"][0]] = error["msg"]

        return req.response.json({
            "message": "Validation failed.",
            "details": details,
        }).status(HttpStatus.UNPROCESSABLE_ENTITY)

    @handles(SomeOtherException, AThirdException)
    async def handler_method(self, req: Request, exc: SomeOtherException | AThirdException) -> Response[ErrorResponse]:
        return req.response.json({"message": type(exc).__name__, "details": self.app.app_name}).status(409)

    @handles(MyCustomException, MyCustomHttpException, CustomExceptionFromCustomException)
    async def custom(self, req: Request, exc: Exception) -> Response[ErrorResponse]:
        return req.response.json({"message": f"custom:{type(exc).__name__}"}).status(HttpStatus.BAD_REQUEST)

    @handles(AborterException)
    async def aborted(self, req: Request, exc: AborterException) -> Response[ErrorResponse]:
        return req.response.json({"message": exc.message, "details": exc.data}).status(exc.status_code)


@path("/errors")
class ErrorsApi(Controller):
    @post("/validate")
    @consumes(MediaType.APPLICATION_JSON)
    async def validate(self, req: Request, data: UserData) -> Response:
        return req.response.json(data)

    @get("/other")
    async def other(self, req: Request) -> Response:
        raise SomeOtherException()

    @get("/third")
    async def third(self, req: Request) -> Response:
        raise AThirdException()

    @get("/custom/<string:kind>")
    async def custom(self, req: Request, kind: str) -> Response:
        raise {"plain": MyCustomException, "http": MyCustomHttpException, "custom": CustomExceptionFromCustomException}[kind]()

    @get("/crash")
    async def crash(self, req: Request) -> Response:
        raise RuntimeError("boom")

    @get("/api/v1/users/<int:user_id>")
    async def get_user(self, req: Request, user_id: int) -> Response:
        """Handler logic"""
        abort(msg=f"User with id {user_id} not found", status_code=HttpStatus.NOT_FOUND, status="error", data=None)

    @get("/abort-default")
    async def abort_default(self, req: Request) -> Response:
        abort("Bad thing")

    @get("/html-abort")
    async def html_aborting(self, req: Request) -> Response:
        html_abort("error.html", status_code=HttpStatus.FORBIDDEN, data={"message": "No entry"})

    @get("/html-abort-default")
    async def html_abort_default(self, req: Request) -> Response:
        html_abort("error.html", data={"message": "Default"})


@path("/pages")
class PagesApi(Controller):
    @get("/<int:user_id>")
    @produces(MediaType.TEXT_HTML)
    async def get_user(self, req: Request, user_id: int) -> Response:
        """Returns a user by user_id"""
        context: dict[str, Any] = {"user": {"fullname": "John Doe"}, "user_id": user_id}
        return await (req.response.html("my_template.html", context)).status(HttpStatus.OK)

    @get("/awaited")
    async def awaited(self, req: Request) -> Response:
        res = await req.response.html("my_template.html", {"user": {"fullname": "Ann"}, "user_id": 1})
        return res.status(HttpStatus.CREATED)

    @get("/missing-var")
    async def missing_var(self, req: Request) -> Response:
        return await req.response.html("my_template.html", {"user_id": 1})

    @get("/image-url")
    async def image_url(self, req: Request) -> Response:
        return req.response.json({
            "image": self.app.url_for("Static.get", filename="my_image.png"),
            "logo": self.app.url_for("Static.get", filename="img/logo.png"),
        })
