"""Conformance with the core sections of the PyJolt/Patera README (seeds 000, 001, 002).

Each test runs the seed's own code, renamed (``pyjolt`` -> ``surge``, ``PyJolt`` -> ``Surge``,
``PyJoltTestClient`` -> ``SurgeTestClient``), and checks what a client sees: status, body,
headers. Sections follow the README: blank start, startup/shutdown, application methods,
controllers and decorators, Request/Response, before/after request, websockets, CORS, routing,
route not found, exception handling, custom exceptions, aborts, redirects, url_for, static
files, templates, middleware, testing.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from loguru import logger
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
    after_request,
    before_request,
    consumes,
    cors,
    delete,
    development,
    get,
    no_cors,
    open_api_docs,
    patch,
    path,
    post,
    produces,
    put,
    socket,
)
from surge.exceptions import (
    AborterException,
    BaseHttpException,
    CustomException,
    ExceptionHandler,
    HtmlAborterException,
    ImproperlyConfigured,
    MethodNotAllowed,
    NotFound,
    handles,
)
from surge.middleware import MiddlewareBase
from surge.testing import SurgeTestClient, TestClient

from surge_testkit import make_app

MODULE = __name__


@pytest.fixture
def app_folder(tmp_path: Path) -> Path:
    """An ``app`` folder with the default ``templates`` and ``static`` folders in it."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "my_template.html").write_text("<h1>{{ user.fullname }}</h1><p>{{ user_id }}</p>")
    (tmp_path / "templates" / "error.html").write_text("<h1>Error</h1><p>{{ message }}</p>")
    (tmp_path / "static" / "img").mkdir(parents=True)
    (tmp_path / "static" / "my_image.png").write_bytes(b"\x89PNG fake image")
    (tmp_path / "static" / "img" / "logo.png").write_bytes(b"\x89PNG logo")
    return tmp_path


# -- Adding controllers for request handling (the seed's UsersApi) --------------------------------


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


@pytest.fixture
async def users_client():
    async with TestClient(make_app(UsersApi)) as client:
        yield client


async def test_controller_get_with_int_route_parameter(users_client) -> None:
    res = await users_client.get("/api/v1/users/42")
    assert res.status_code == 200
    assert res.headers["content-type"] == "application/json"
    assert res.json() == {"id": 42, "fullname": "John Doe", "email": "johndoe@email.com"}


async def test_controller_post_consumes_validated_json(users_client) -> None:
    res = await users_client.post("/api/v1/users/", json={"email": "a@b.c", "fullname": "Ann", "extra": 1})
    assert res.status_code == 201
    assert res.headers["content-type"] == "application/json"
    assert res.json() == {"email": "a@b.c", "fullname": "Ann"}


async def test_controller_post_invalid_body_is_422(users_client) -> None:
    res = await users_client.post("/api/v1/users/", json={"email": "a@b.c"})
    assert res.status_code == 422
    assert res.json()["errors"][0]["loc"] == ["fullname"]
    res = await users_client.post("/api/v1/users/", headers={"content-type": "application/json"})  # missing
    assert res.status_code == 422
    assert res.json()["errors"] == [{"loc": ["body"], "msg": "Field required", "type": "missing"}]


async def test_controller_registered_through_config_string() -> None:
    application = make_app(CONTROLLERS=[f"{MODULE}:UsersApi"])
    async with TestClient(application) as client:
        res = await client.get("/api/v1/users/1")
        assert (res.status_code, res.json()["id"]) == (200, 1)


@path("/crud", open_api_spec=False, tags=["Crud"])
class CrudApi(Controller):
    @get("/", open_api_spec=True, tags=["Read"])
    async def read(self, req: Request) -> Response:
        return req.response.json({"method": req.method})

    @post("/")
    async def create(self, req: Request) -> Response:
        return req.response.json({"method": req.method}).status(HttpStatus.CREATED)

    @put("/<int:item_id>")
    async def replace(self, req: Request, item_id: int) -> Response:
        return req.response.json({"method": req.method, "id": item_id})

    @patch("/<int:item_id>")
    async def update(self, req: Request, item_id: int) -> Response:
        return req.response.json({"method": req.method, "id": item_id})

    @delete("/<int:item_id>")
    async def remove(self, req: Request, item_id: int) -> Response:
        return req.response.no_content()

    @post("/form")
    @consumes(MediaType.APPLICATION_X_WWW_FORM_URLENCODED)
    async def form(self, req: Request, data: UserData) -> Response:
        return req.response.json(data)

    @get("/html")
    @produces(MediaType.TEXT_HTML)
    async def html(self, req: Request) -> Response:
        return req.response.html_from_string("<b>{{ word }}</b>", {"word": "bold"})

    @delete("/nothing")
    @produces(MediaType.NO_CONTENT)
    async def nothing(self, req: Request) -> Response:
        return req.response.no_content()

    @get("/mismatch")
    @produces(MediaType.APPLICATION_JSON)
    async def mismatch(self, req: Request) -> Response:
        return req.response.text("plain")


async def test_every_http_method_decorator() -> None:
    async with TestClient(make_app(CrudApi)) as client:
        assert (await client.get("/crud")).json() == {"method": "GET"}
        res = await client.post("/crud")
        assert (res.status_code, res.json()) == (201, {"method": "POST"})
        assert (await client.put("/crud/3")).json() == {"method": "PUT", "id": 3}
        assert (await client.patch("/crud/3")).json() == {"method": "PATCH", "id": 3}
        res = await client.delete("/crud/3")
        assert (res.status_code, res.content) == (204, b"")


async def test_consumes_form_urlencoded_into_model() -> None:
    async with TestClient(make_app(CrudApi)) as client:
        res = await client.post("/crud/form", data={"email": "a@b.c", "fullname": "Ann"})
        assert (res.status_code, res.json()) == (200, {"email": "a@b.c", "fullname": "Ann"})
        res = await client.post("/crud/form", json={"email": "a@b.c", "fullname": "Ann"})
        assert res.status_code == 415


async def test_produces_sets_the_content_type() -> None:
    async with TestClient(make_app(CrudApi)) as client:
        res = await client.get("/crud/html")
        assert res.headers["content-type"].startswith("text/html")
        assert res.text == "<b>bold</b>"
        res = await client.delete("/crud/nothing")
        assert res.status_code == 204
        assert "content-type" not in res.headers  # NO_CONTENT ("empty") is not a wire media type


async def test_produces_warns_when_the_endpoint_sets_another_media_type() -> None:
    application = make_app(CrudApi)
    messages: list[str] = []
    sink = logger.add(lambda message: messages.append(str(message)), level="WARNING", format="{message}")
    try:
        async with TestClient(application) as client:
            res = await client.get("/crud/mismatch")
            await client.get("/crud/mismatch")
    finally:
        logger.remove(sink)
    assert (res.status_code, res.text) == (200, "plain")
    assert res.headers["content-type"].startswith("text/plain")
    warnings = [m for m in messages if "CrudApi.mismatch" in m]
    assert len(warnings) == 1 and "application/json" in warnings[0]


def test_media_types_match_the_seed() -> None:
    seed = {
        "APPLICATION_X_WWW_FORM_URLENCODED": "application/x-www-form-urlencoded",
        "MULTIPART_FORM_DATA": "multipart/form-data",
        "APPLICATION_JSON": "application/json",
        "APPLICATION_PROBLEM_JSON": "application/problem+json",
        "APPLICATION_XML": "application/xml",
        "TEXT_XML": "text/xml",
        "TEXT_PLAIN": "text/plain",
        "TEXT_HTML": "text/html",
        "APPLICATION_OCTET_STREAM": "application/octet-stream",
        "IMAGE_PNG": "image/png",
        "IMAGE_JPEG": "image/jpeg",
        "IMAGE_GIF": "image/gif",
        "APPLICATION_PDF": "application/pdf",
        "APPLICATION_X_NDJSON": "application/x-ndjson",
        "APPLICATION_CSV": "application/csv",
        "TEXT_CSV": "text/csv",
        "APPLICATION_YAML": "application/yaml",
        "TEXT_YAML": "text/yaml",
        "APPLICATION_GRAPHQL": "application/graphql",
        "NO_CONTENT": "empty",
    }
    assert {name: MediaType[name].value for name in seed} == seed


def test_descriptor_defaults_match_the_seed() -> None:
    descriptor = Descriptor()
    assert descriptor.status == HttpStatus.BAD_REQUEST
    assert descriptor.description is None
    assert descriptor.media_type == MediaType.APPLICATION_JSON
    assert descriptor.body is None


# -- @development --------------------------------------------------------------------------------


@development
@path("/dev")
class DevApi(Controller):
    @get("/")
    async def index(self, req: Request) -> Response:
        return req.response.text("dev")


@path("/mixed")
class MixedApi(Controller):
    @get("/ready")
    async def ready(self, req: Request) -> Response:
        return req.response.text("ready")

    @development
    @get("/draft")
    async def draft(self, req: Request) -> Response:
        return req.response.text("draft")


@pytest.mark.parametrize("debug", [False, True])
async def test_development_controllers_and_endpoints_only_in_debug(debug: bool) -> None:
    application = make_app(DevApi, MixedApi, DEBUG=debug)
    async with TestClient(application) as client:
        assert (await client.get("/mixed/ready")).status_code == 200
        assert (await client.get("/dev")).status_code == (200 if debug else 404)
        assert (await client.get("/mixed/draft")).status_code == (200 if debug else 404)


# -- Blank start, configuration, startup and shutdown -------------------------------------------

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


async def test_blank_start_startup_shutdown_and_app_properties(app_folder: Path) -> None:
    EVENTS.clear()
    Application = make_application(app_folder)
    async with SurgeTestClient(Application()) as client:
        res = await client.get("/api/v1/info")
    assert res.status_code == 200
    assert res.json() == {
        "events": ["startup:another", "startup:first"],
        "app_name": "Test app",
        "version": "1.0",
        "secret": "some-super-secret-key",
        "missing": "fallback",
        "configs_app_name": "Test app",
        "root_path": str(app_folder),
        "static_files_path": str(app_folder / "static"),
        "app_is_self": True,
        "has_logger": True,
        "user_url": "/api/v1/users/7",
    }
    assert EVENTS == ["startup:another", "startup:first", "shutdown:first"]


def test_get_conf_raises_for_a_missing_key_without_default(app_folder: Path) -> None:
    application = make_application(app_folder)()
    with pytest.raises(KeyError):
        application.get_conf("NOT_A_KEY")
    assert application.get_conf("NOT_A_KEY", None) is None
    assert callable(application.run_cli)


def test_config_defaults_match_the_seed() -> None:
    class Config(BaseConfig):
        APP_NAME: str = "Test app"
        VERSION: str = "1.0"
        BASE_PATH: str = os.path.dirname(__file__)

    configs = Config()  # to load default values if the user does not provide them
    assert configs.REQUEST_CLASS is Request and configs.RESPONSE_CLASS is Response
    assert configs.SECRET_KEY is None
    assert configs.DEBUG is True
    assert configs.HOST == "localhost"
    assert (configs.TEMPLATES_DIR, configs.STATIC_DIR, configs.STATIC_URL) == ("/templates", "/static", "/static")
    assert configs.TEMPLATES_STRICT is True and configs.STRICT_SLASHES is False
    assert (configs.OPEN_API, configs.OPEN_API_URL, configs.OPEN_API_DESCRIPTION) == (True, "/openapi", "Simple API")
    assert configs.CORS_ENABLED is True
    assert configs.CORS_ALLOW_ORIGINS == ["*"]
    assert configs.CORS_ALLOW_METHODS == ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    assert configs.CORS_ALLOW_HEADERS == ["Authorization", "Content-Type"]
    assert configs.CORS_EXPOSE_HEADERS == []
    assert configs.CORS_ALLOW_CREDENTIALS is True
    assert configs.CORS_MAX_AGE is None
    for key in ("CONTROLLERS", "CLI_CONTROLLERS", "EXTENSIONS", "MODELS", "EXCEPTION_HANDLERS", "MIDDLEWARE", "LOGGERS"):
        assert getattr(configs, key) == []
    # run.py reads these
    assert isinstance(configs.PORT, int) and configs.LIFESPAN in ("on", "auto", "off")


async def test_config_values_come_from_environment(monkeypatch: pytest.MonkeyPatch, app_folder: Path) -> None:
    monkeypatch.setenv("APP_NAME", "From env")
    Application = make_application(app_folder)
    async with SurgeTestClient(Application()) as client:
        res = await client.get("/api/v1/info")
    assert res.json()["app_name"] == "From env"


class MyRequest(Request):
    __slots__ = ()

    @property
    def tenant(self) -> str:
        return self.headers.get("x-tenant", "none")


class MyResponse(Response[Any]):
    __slots__ = ()


@path("/custom")
class CustomClassesApi(Controller):
    @get("/")
    async def index(self, req: MyRequest) -> Response:
        return req.response.json({
            "tenant": req.tenant,
            "request_class": type(req).__name__,
            "response_class": type(req.response).__name__,
        })


async def test_request_and_response_classes_from_config() -> None:
    application = make_app(CustomClassesApi, REQUEST_CLASS=MyRequest, RESPONSE_CLASS=MyResponse)
    async with TestClient(application) as client:
        res = await client.get("/custom", headers={"x-tenant": "acme"})
    assert res.json() == {"tenant": "acme", "request_class": "MyRequest", "response_class": "MyResponse"}


def test_request_class_must_subclass_request() -> None:
    class Config(BaseConfig):
        REQUEST_CLASS: type[Request] = dict  # type: ignore[assignment]

    with pytest.raises(ImproperlyConfigured, match="REQUEST_CLASS"):
        Surge(__name__, configs=Config)


# -- Request and Response objects ----------------------------------------------------------------


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


@pytest.fixture
async def objects_client(app_folder: Path):
    async with TestClient(make_app(ObjectsApi, UsersApi, BASE_PATH=str(app_folder))) as client:
        yield client


async def test_request_attributes(objects_client) -> None:
    res = await objects_client.get("/objects/request/ann/5?page=2&q=x", headers={"X-Custom": "yes"})
    assert res.status_code == 200
    assert res.json() == {
        "route_parameters": {"name": "ann", "number": 5},
        "method": "GET",
        "path": "/objects/request/ann/5",
        "query_string": "page=2&q=x",
        "header": "yes",
        "headers_is_dict": True,
        "query_params": {"page": "2", "q": "x"},
        "user": None,
        "res_is_response": True,
        "state": True,
    }


async def test_response_status(objects_client) -> None:
    res = await objects_client.get("/objects/status")
    assert (res.status_code, res.json()) == (202, {"ok": False})
    res = await objects_client.get("/objects/status-int")
    assert (res.status_code, res.text) == (418, "teapot")


async def test_response_redirect_defaults_to_303(objects_client) -> None:
    res = await objects_client.get("/objects/redirect")
    assert (res.status_code, res.headers["location"]) == (303, "url-for-location")
    res = await objects_client.get("/objects/redirect-307")
    assert (res.status_code, res.headers["location"]) == (307, "/elsewhere")


async def test_redirect_to_other_endpoint_with_url_for(objects_client) -> None:
    res = await objects_client.get("/objects/redirect-endpoint")
    assert (res.status_code, res.headers["location"]) == (303, "/api/v1/users/5")
    res = await objects_client.get("/objects/redirect-endpoint", follow_redirects=True)
    assert (res.status_code, res.json()["id"]) == (200, 5)


async def test_response_no_content_and_text(objects_client) -> None:
    res = await objects_client.get("/objects/no-content")
    assert (res.status_code, res.content) == (204, b"")
    res = await objects_client.get("/objects/text")
    assert (res.status_code, res.text) == (200, "hello")
    assert res.headers["content-type"].startswith("text/plain")


async def test_response_html_from_string_is_escaped(objects_client) -> None:
    res = await objects_client.get("/objects/html-string")
    assert (res.status_code, res.text) == (200, "<p>&lt;Ann&gt;</p>")
    assert res.headers["content-type"].startswith("text/html")
    assert (await objects_client.get("/objects/html-string-no-context")).text == "<p>static</p>"


async def test_response_send_file(objects_client) -> None:
    res = await objects_client.get("/objects/file-bytes")
    assert (res.status_code, res.content) == (200, b"%PDF-1.4 fake")
    assert (res.headers["content-type"], res.headers["x-file"]) == ("application/pdf", "yes")
    res = await objects_client.get("/objects/file-path")
    assert (res.status_code, res.content) == (200, b"\x89PNG fake image")
    assert (res.headers["content-type"], res.headers["x-file"]) == ("image/png", "path")


async def test_response_set_header(objects_client) -> None:
    res = await objects_client.get("/objects/header")
    assert (res.headers["x-one"], res.headers["x-two"], res.text) == ("1", "2", "headers")


async def test_response_cookies(objects_client) -> None:
    res = await objects_client.get("/objects/cookie")
    cookie = res.headers["set-cookie"]
    for part in ("session=abc", "Max-Age=60", "Path=/objects", "Domain=example.com", "Secure", "HttpOnly"):
        assert part in cookie
    res = await objects_client.get("/objects/cookie-defaults")
    cookie = res.headers["set-cookie"]
    assert "plain=v" in cookie and "Path=/" in cookie
    assert "HttpOnly" not in cookie and "Secure" not in cookie and "Max-Age" not in cookie
    res = await objects_client.get("/objects/delete-cookie")
    cookie = res.headers["set-cookie"]
    assert "session=" in cookie and "Max-Age=0" in cookie and "Path=/objects" in cookie
    assert "Domain=example.com" in cookie


# -- Before and after request handling -----------------------------------------------------------


class ResponseModel(BaseModel):
    message: str
    status: str
    data: Any | None = None


@path("/api/v1/hooked", tags=["Users"])
class HookedApi(Controller):
    @before_request
    async def before_request_method(self, req: Request):
        """Some before request logic"""
        req.state.trail = ["before"]

    @before_request
    async def a_before_request_method(self, req: Request):  # alphabetical: runs first
        req.state.first = "a_before"

    @after_request
    async def after_request_method(self, res: Response):
        """Some after request logic"""
        res.set_header("x-after", "yes")

    @get("/")
    @produces(MediaType.APPLICATION_JSON)
    async def get_users(self, req: Request) -> Response[ResponseModel]:
        """Endpoint for returning all app users"""
        response: ResponseModel = ResponseModel(
            message=f"{req.state.first},{','.join(req.state.trail)}", status="success", data=None
        )
        return req.response.json(response).status(HttpStatus.OK)


async def test_before_and_after_request_hooks() -> None:
    async with TestClient(make_app(HookedApi)) as client:
        res = await client.get("/api/v1/hooked")
    assert res.status_code == 200
    assert res.json() == {"message": "a_before,before", "status": "success", "data": None}
    assert res.headers["x-after"] == "yes"


# -- Websockets ----------------------------------------------------------------------------------


async def test_socket_handler_echoes(users_client) -> None:
    async with users_client.websocket_connect("/api/v1/users/ws") as ws:
        await ws.send_text("hi")
        assert await ws.receive_text() == "Hello from server. Echo: hi"
        await ws.send_text("again")
        assert await ws.receive_text() == "Hello from server. Echo: again"


# -- CORS ------------------------------------------------------------------------------------------


@path("/cors")
class CorsApi(Controller):
    @get("/")
    async def default_policy(self, req: Request) -> Response:
        return req.response.json({"ok": True})

    @delete("/")
    async def remove(self, req: Request) -> Response:
        return req.response.no_content()

    @get("/off")
    @no_cors
    async def my_endpoint(self, req: Request) -> Response:
        """some endpoint logic"""
        return req.response.json({"cors": False})

    @get("/custom")
    @cors(
        allow_origins=["https://special.example"],
        allow_methods=["GET"],
        allow_headers=["X-Special"],
        expose_headers=["X-Exposed"],
        allow_credentials=False,
        max_age=600,
    )
    async def custom(self, req: Request) -> Response:
        return req.response.json({"cors": "custom"}).set_header("X-Exposed", "1")


async def test_cors_default_policy() -> None:
    async with TestClient(make_app(CorsApi)) as client:
        res = await client.get("/cors", headers={"Origin": "https://any.example"})
        assert res.status_code == 200
        # "*" with credentials: the origin is echoed (browsers reject "*" with credentials)
        assert res.headers["access-control-allow-origin"] == "https://any.example"
        assert res.headers["access-control-allow-credentials"] == "true"
        res = await client.options(
            "/cors",
            headers={
                "Origin": "https://any.example",
                "Access-Control-Request-Method": "DELETE",
                "Access-Control-Request-Headers": "Authorization, Content-Type",
            },
        )
        assert res.status_code in (200, 204)
        assert "DELETE" in res.headers["access-control-allow-methods"]
        assert res.headers["access-control-allow-headers"] == "Authorization, Content-Type"
        assert "access-control-max-age" not in res.headers  # CORS_MAX_AGE=None disables it


async def test_cors_forbidden_origin_is_403_and_method_is_405() -> None:
    application = make_app(
        CorsApi,
        CORS_ALLOW_ORIGINS=["https://app.example"],
        CORS_ALLOW_METHODS=["GET", "OPTIONS"],
        CORS_EXPOSE_HEADERS=["X-Total"],
        CORS_MAX_AGE=120,
    )
    async with TestClient(application) as client:
        res = await client.get("/cors", headers={"Origin": "https://evil.example"})
        assert res.status_code == 403
        res = await client.delete("/cors", headers={"Origin": "https://app.example"})
        assert res.status_code == 405
        res = await client.get("/cors", headers={"Origin": "https://app.example"})
        assert res.status_code == 200
        assert res.headers["access-control-allow-origin"] == "https://app.example"
        assert res.headers["access-control-expose-headers"] == "X-Total"
        res = await client.options(
            "/cors", headers={"Origin": "https://app.example", "Access-Control-Request-Method": "GET"}
        )
        assert res.headers["access-control-max-age"] == "120"
        # requests without an Origin are not cross-origin: no CORS checks
        assert (await client.delete("/cors")).status_code == 204


async def test_no_cors_disables_cors_for_the_endpoint() -> None:
    application = make_app(CorsApi, CORS_ALLOW_ORIGINS=["https://app.example"])
    async with TestClient(application) as client:
        res = await client.get("/cors/off", headers={"Origin": "https://evil.example"})
        assert (res.status_code, res.json()) == (200, {"cors": False})
        assert "access-control-allow-origin" not in res.headers


async def test_cors_decorator_overrides_the_global_policy() -> None:
    async with TestClient(make_app(CorsApi)) as client:
        res = await client.get("/cors/custom", headers={"Origin": "https://special.example"})
        assert res.status_code == 200
        assert res.headers["access-control-allow-origin"] == "https://special.example"
        assert "access-control-allow-credentials" not in res.headers
        assert res.headers["access-control-expose-headers"] == "X-Exposed"
        res = await client.get("/cors/custom", headers={"Origin": "https://any.example"})
        assert res.status_code == 403
        res = await client.options(
            "/cors/custom",
            headers={
                "Origin": "https://special.example",
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "X-Special",
            },
        )
        assert res.headers["access-control-max-age"] == "600"
        assert res.headers["access-control-allow-headers"] == "X-Special"


async def test_cors_disabled_globally() -> None:
    async with TestClient(make_app(CorsApi, CORS_ENABLED=False)) as client:
        res = await client.get("/cors", headers={"Origin": "https://any.example"})
        assert res.status_code == 200
        assert "access-control-allow-origin" not in res.headers


# -- Routing and route not found -----------------------------------------------------------------


@path("/api/v1/routes")
class RoutesApi(Controller):
    @get("/users/<int:user_id>")
    async def by_id(self, req: Request, user_id: int) -> Response:
        return req.response.json({"user_id": user_id, "type": type(user_id).__name__})

    @get("/users/<string:user_name>")
    async def by_name(self, req: Request, user_name: str) -> Response:
        return req.response.json({"user_name": user_name})

    @get("/files/<path:path>")
    async def by_path(self, req: Request, path: str) -> Response:
        return req.response.json({"path": path})


async def test_route_converters() -> None:
    async with TestClient(make_app(RoutesApi)) as client:
        assert (await client.get("/api/v1/routes/users/12")).json() == {"user_id": 12, "type": "int"}
        assert (await client.get("/api/v1/routes/users/ann")).json() == {"user_name": "ann"}
        res = await client.get("/api/v1/routes/files/account/dashboard/main")
        assert res.json() == {"path": "account/dashboard/main"}


async def test_strict_slashes() -> None:
    async with TestClient(make_app(UsersApi)) as client:  # STRICT_SLASHES=False
        assert (await client.get("/api/v1/users/3/")).status_code == 200
    async with TestClient(make_app(UsersApi, STRICT_SLASHES=True)) as client:
        assert (await client.get("/api/v1/users/3")).status_code == 200
        assert (await client.get("/api/v1/users/3/")).status_code == 404


async def test_route_not_found_generic_json() -> None:
    async with TestClient(make_app(UsersApi)) as client:
        res = await client.get("/nowhere")
        assert res.status_code == 404
        assert res.headers["content-type"] == "application/json"
        assert res.json()["status"] == "error"
        res = await client.put("/api/v1/users/3")
        assert res.status_code == 405
        assert res.json()["status"] == "error"


class NotFoundHandler(ExceptionHandler):
    @handles(NotFound)
    async def not_found(self, req: Request, exc: NotFound) -> Response:
        return req.response.json({"message": "Nothing here", "path": req.path}).status(HttpStatus.NOT_FOUND)


async def test_route_not_found_wrong_url_or_method_is_a_not_found() -> None:
    application = make_app(UsersApi)
    application.add_exception_handler(NotFoundHandler)
    async with TestClient(application) as client:
        res = await client.get("/nowhere")
        assert (res.status_code, res.json()) == (404, {"message": "Nothing here", "path": "/nowhere"})
        res = await client.put("/api/v1/users/3")  # wrong http method
        assert (res.status_code, res.json()) == (404, {"message": "Nothing here", "path": "/api/v1/users/3"})
    assert issubclass(MethodNotAllowed, NotFound)


def test_seed_exception_module_path() -> None:
    from surge.exception import BaseHttpException as Base2
    from surge.exception import CustomException as Custom2
    from surge.exception import NotFound as NotFound2

    assert (NotFound2, Base2, Custom2) == (NotFound, BaseHttpException, CustomException)


# -- Exception handling, custom exceptions, aborts -----------------------------------------------


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


async def test_exception_handler_from_config_handles_validation_errors() -> None:
    application = make_app(ErrorsApi, EXCEPTION_HANDLERS=[f"{MODULE}:CustomExceptionHandler"])
    async with TestClient(application) as client:
        res = await client.post("/errors/validate", json={"email": 3})
        missing = await client.post("/errors/validate", headers={"content-type": "application/json"})
    assert res.status_code == 422
    assert res.json() == {
        "message": "Validation failed.",
        "details": {"email": "Input should be a valid string", "fullname": "Field required"},
    }
    assert (missing.status_code, missing.json()) == (
        422, {"message": "Validation failed.", "details": {"body": "Field required"}}
    )


async def test_handles_accepts_many_exceptions_and_sees_the_app() -> None:
    application = make_app(ErrorsApi, EXCEPTION_HANDLERS=[f"{MODULE}:CustomExceptionHandler"])
    async with TestClient(application) as client:
        res = await client.get("/errors/other")
        assert (res.status_code, res.json()) == (409, {"message": "SomeOtherException", "details": "Surge app"})
        res = await client.get("/errors/third")
        assert (res.status_code, res.json()["message"]) == (409, "AThirdException")


@pytest.mark.parametrize(
    ("kind", "name"),
    [("plain", "MyCustomException"), ("http", "MyCustomHttpException"), ("custom", "CustomExceptionFromCustomException")],
)
async def test_custom_exceptions_reach_their_handler(kind: str, name: str) -> None:
    application = make_app(ErrorsApi, EXCEPTION_HANDLERS=[f"{MODULE}:CustomExceptionHandler"])
    async with TestClient(application) as client:
        res = await client.get(f"/errors/custom/{kind}")
    assert (res.status_code, res.json()) == (400, {"message": f"custom:{name}"})


async def test_unhandled_exception_is_a_generic_500_and_logged_critical() -> None:
    records: list[Any] = []
    sink = logger.add(lambda message: records.append(message.record), level="CRITICAL")
    try:
        async with TestClient(make_app(ErrorsApi, DEBUG=False)) as client:
            res = await client.get("/errors/crash")
            unhandled = await client.get("/errors/custom/custom")
    finally:
        logger.remove(sink)
    assert res.status_code == 500
    assert res.json() == {"status": "error", "message": "Internal server error"}
    assert unhandled.status_code == 500
    assert any(record["level"].name == "CRITICAL" and "/errors/crash" in record["message"] for record in records)


async def test_unhandled_exception_raises_in_debug_mode() -> None:
    async with TestClient(make_app(ErrorsApi, DEBUG=True)) as client:
        with pytest.raises(RuntimeError, match="boom"):
            await client.get("/errors/crash")


class CatchAll(ExceptionHandler):
    @handles(Exception)
    async def anything(self, req: Request, exc: Exception) -> Response:
        return req.response.json({"message": "caught", "type": type(exc).__name__}).status(500)


async def test_handler_for_raw_exception_replaces_the_generic_500() -> None:
    application = make_app(ErrorsApi)
    application.add_exception_handler(CatchAll)
    async with TestClient(application) as client:
        res = await client.get("/errors/crash")
    assert (res.status_code, res.json()) == (500, {"message": "caught", "type": "RuntimeError"})


async def test_abort_without_handler_is_json(app_folder: Path) -> None:
    async with TestClient(make_app(ErrorsApi, BASE_PATH=str(app_folder))) as client:
        res = await client.get("/errors/api/v1/users/9")
        assert (res.status_code, res.json()) == (404, {"status": "error", "message": "User with id 9 not found"})
        res = await client.get("/errors/abort-default")
        assert (res.status_code, res.json()) == (400, {"status": "error", "message": "Bad thing"})


async def test_abort_with_handler() -> None:
    application = make_app(ErrorsApi, EXCEPTION_HANDLERS=[f"{MODULE}:CustomExceptionHandler"])
    async with TestClient(application) as client:
        res = await client.get("/errors/api/v1/users/9")
    assert (res.status_code, res.json()) == (404, {"message": "User with id 9 not found", "details": None})


async def test_html_abort_is_rendered_automatically(app_folder: Path) -> None:
    application = make_app(ErrorsApi, BASE_PATH=str(app_folder), EXCEPTION_HANDLERS=[f"{MODULE}:CustomExceptionHandler"])
    async with TestClient(application) as client:
        res = await client.get("/errors/html-abort")
        assert res.status_code == 403
        assert res.headers["content-type"].startswith("text/html")
        assert res.text == "<h1>Error</h1><p>No entry</p>"
        res = await client.get("/errors/html-abort-default")
        assert (res.status_code, res.text) == (400, "<h1>Error</h1><p>Default</p>")


def test_abort_helpers_raise_the_documented_exceptions() -> None:
    with pytest.raises(AborterException) as aborted:
        abort("gone", status_code=HttpStatus.GONE, status="fail", data={"id": 1})
    assert (aborted.value.message, aborted.value.status_code, aborted.value.status, aborted.value.data) == (
        "gone", 410, "fail", {"id": 1}
    )
    with pytest.raises(HtmlAborterException) as html_aborted:
        html_abort("error.html")
    assert (html_aborted.value.template, html_aborted.value.status_code) == ("error.html", 400)


# -- Static files and templates ------------------------------------------------------------------


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


async def test_static_files_served_and_url_for(app_folder: Path) -> None:
    async with TestClient(make_app(PagesApi, BASE_PATH=str(app_folder))) as client:
        res = await client.get("/static/my_image.png")
        assert (res.status_code, res.content) == (200, b"\x89PNG fake image")
        assert res.headers["content-type"] == "image/png"
        res = await client.get("/static/img/logo.png")
        assert (res.status_code, res.content) == (200, b"\x89PNG logo")
        assert (await client.get("/static/nope.png")).status_code == 404
        assert (await client.get("/static/../templates/error.html")).status_code == 404
        res = await client.get("/pages/image-url")
        assert res.json() == {"image": "/static/my_image.png", "logo": "/static/img/logo.png"}


async def test_static_path_and_folder_are_configurable(app_folder: Path) -> None:
    (app_folder / "public").mkdir()
    (app_folder / "public" / "a.txt").write_text("asset")
    application = make_app(PagesApi, BASE_PATH=str(app_folder), STATIC_DIR="/public", STATIC_URL="/assets")
    async with TestClient(application) as client:
        res = await client.get("/assets/a.txt")
        assert (res.status_code, res.text) == (200, "asset")
        assert (await client.get("/static/my_image.png")).status_code == 404
        assert (await client.get("/pages/image-url")).json()["image"] == "/assets/my_image.png"


async def test_template_responses(app_folder: Path) -> None:
    async with TestClient(make_app(PagesApi, BASE_PATH=str(app_folder), DEBUG=False)) as client:
        res = await client.get("/pages/3")
        assert (res.status_code, res.text) == (200, "<h1>John Doe</h1><p>3</p>")
        assert res.headers["content-type"].startswith("text/html")
        res = await client.get("/pages/awaited")
        assert (res.status_code, res.text) == (201, "<h1>Ann</h1><p>1</p>")
        res = await client.get("/pages/missing-var")  # TEMPLATES_STRICT=True: undefined is an error
        assert res.status_code == 500


async def test_templates_not_strict_and_folder_configurable(app_folder: Path) -> None:
    (app_folder / "views").mkdir()
    (app_folder / "views" / "my_template.html").write_text("<i>{{ title }}</i>{{ user_id }}")
    application = make_app(PagesApi, BASE_PATH=str(app_folder), TEMPLATES_DIR="/views", TEMPLATES_STRICT=False)
    async with TestClient(application) as client:
        res = await client.get("/pages/4")  # an undefined name renders as nothing
        assert (res.status_code, res.text) == (200, "<i></i>4")


# -- Middleware ------------------------------------------------------------------------------------


class TimingMW(MiddlewareBase):
    async def middleware(self, req: Request) -> Response:
        t0 = time.perf_counter()
        res = await self.next(req)  # pass down
        res.headers["x-process-time-ms"] = str(int((time.perf_counter() - t0) * 1000))
        return res


class OrderMW(MiddlewareBase):
    async def middleware(self, req: Request) -> Response:
        req.state.order = [*getattr(req.state, "order", []), type(self).__name__]
        res = await self.next(req)
        res.headers["x-order"] = ",".join(req.state.order)
        return res


class ShortCircuitMW(MiddlewareBase):
    async def middleware(self, req: Request) -> Response:
        req.state.order = [*getattr(req.state, "order", []), "ShortCircuitMW"]
        if req.headers.get("x-stop"):
            return req.response.json({"stopped": True}).status(HttpStatus.FORBIDDEN)
        if req.headers.get("x-raise"):
            raise SomeOtherException()
        if req.headers.get("x-raise-handled"):
            try:
                raise AThirdException()
            except AThirdException:
                return req.response.json({"handled_in": "middleware"}).status(HttpStatus.BAD_REQUEST)
        return await self.next(req)


class StateTimingMW(MiddlewareBase):
    async def middleware(self, req: Request) -> Response:
        try:
            return await self.next(req)
        finally:
            req.state.timing = "measured"


class StateReadingHandler(ExceptionHandler):
    @handles(SomeOtherException)
    async def other(self, req: Request, exc: SomeOtherException) -> Response:
        return req.response.json({"timing": getattr(req.state, "timing", None)}).status(HttpStatus.CONFLICT)

    @handles(AThirdException)
    async def third(self, req: Request, exc: AThirdException) -> Response:
        return req.response.json({"handler": "ran"}).status(HttpStatus.CONFLICT)


async def test_seed_timing_middleware_from_config() -> None:
    application = make_app(UsersApi, MIDDLEWARE=[f"{MODULE}:TimingMW"])
    async with TestClient(application) as client:
        res = await client.get("/api/v1/users/1")
    assert res.status_code == 200
    assert res.headers["x-process-time-ms"].isdigit()


async def test_first_listed_middleware_is_outermost() -> None:
    class FirstMW(OrderMW):
        pass

    class SecondMW(OrderMW):
        pass

    application = make_app(UsersApi)
    application.add_middleware(FirstMW)
    application.add_middleware(SecondMW)
    async with TestClient(application) as client:
        res = await client.get("/api/v1/users/1")
    assert res.headers["x-order"] == "FirstMW,SecondMW"


async def test_middleware_short_circuit_and_exceptions() -> None:
    application = make_app(UsersApi, EXCEPTION_HANDLERS=[f"{MODULE}:StateReadingHandler"])
    application.add_middleware(StateTimingMW)
    application.add_middleware(ShortCircuitMW)
    async with TestClient(application) as client:
        res = await client.get("/api/v1/users/1", headers={"x-stop": "1"})
        assert (res.status_code, res.json()) == (403, {"stopped": True})
        # raised in middleware: dispatched to the exception handlers; req.state set in a finally is visible
        res = await client.get("/api/v1/users/1", headers={"x-raise": "1"})
        assert (res.status_code, res.json()) == (409, {"timing": "measured"})
        # handled inside the middleware: the exception handlers do not run
        res = await client.get("/api/v1/users/1", headers={"x-raise-handled": "1"})
        assert (res.status_code, res.json()) == (400, {"handled_in": "middleware"})


# -- Testing (the seed's conftest) ----------------------------------------------------------------


@pytest.fixture
async def application(app_folder: Path):
    yield make_application(app_folder)()


@pytest.fixture
async def client(application):
    async with SurgeTestClient(application) as c:
        yield c


async def test_get_users(client) -> None:
    res = await client.get("/api/v1/users/1")
    assert res.status_code == 200


async def test_test_client_runs_lifespan_hooks(client) -> None:
    res = await client.get("/api/v1/info")
    assert res.json()["events"][-2:] == ["startup:another", "startup:first"]
    assert SurgeTestClient is TestClient
