"""Body classes besides pydantic (dataclasses, attrs, msgspec), BackgroundTasks, and the app lifespan."""

import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import attrs
import msgspec
import pytest

from surge import BackgroundTasks, BaseConfig, Request, Response, Surge, on_shutdown, on_startup
from surge.controller import Controller, consumes, get, path, post
from surge.http.media_types import MediaType
from surge.testing import TestClient
from surge.testing._lifespan import LifespanFailed

from surge_testkit import make_app


@dataclass
class Point:
    x: int
    y: int = 0
    tags: list[str] = field(default_factory=list)


@attrs.define
class Dimensions:
    width: int
    height: int = 1


@attrs.define
class Box:
    label: str
    size: Dimensions
    extras: list[Dimensions] = attrs.Factory(list)


class Order(msgspec.Struct):
    sku: str
    quantity: int
    notes: list[str] = []


@path("/b")
class BodiesApi(Controller):
    @post("/point")
    async def point(self, point: Point) -> dict:
        return {"type": type(point).__name__, "x": point.x, "y": point.y, "tags": point.tags}

    @post("/box")
    async def box(self, box: Box) -> dict:
        return {"type": type(box.size).__name__, "area": box.size.width * box.size.height, "extras": len(box.extras)}

    @post("/order")
    async def order(self, order: Order) -> dict:
        return {"type": type(order).__name__, "sku": order.sku, "quantity": order.quantity, "notes": order.notes}

    @post("/order-form")
    @consumes(MediaType.APPLICATION_X_WWW_FORM_URLENCODED)
    async def order_form(self, order: Order) -> dict:
        return {"sku": order.sku, "quantity": order.quantity}


async def test_dataclass_attrs_and_msgspec_bodies_validate() -> None:
    async with TestClient(make_app(BodiesApi)) as c:
        point = await c.post("/b/point", json={"x": "3", "tags": ["a"]})
        bad_point = await c.post("/b/point", json={"y": 1})
        box = await c.post("/b/box", json={"label": "b", "size": {"width": 2, "height": 3}, "extras": [{"width": 1}]})
        bad_box = await c.post("/b/box", json={"label": "b", "size": {"width": "wide"}})
        order = await c.post("/b/order", json={"sku": "A1", "quantity": 2})
        bad_order = await c.post("/b/order", json={"sku": "A1", "quantity": "two"})
        missing = await c.post("/b/order", json={"quantity": 2})
        nested = await c.post("/b/order", json={"sku": "A1", "quantity": 1, "notes": ["ok", 5]})
        malformed = await c.post("/b/order", content=b'{"sku": ', headers={"content-type": "application/json"})
        form = await c.post("/b/order-form", data={"sku": "F1", "quantity": "4"})
    assert point.json() == {"type": "Point", "x": 3, "y": 0, "tags": ["a"]}
    assert bad_point.status_code == 422 and bad_point.json()["errors"][0]["loc"] == ["body", "x"]
    assert box.json() == {"type": "Dimensions", "area": 6, "extras": 1}
    assert bad_box.status_code == 422 and bad_box.json()["errors"][0]["loc"] == ["body", "size", "width"]
    assert order.json() == {"type": "Order", "sku": "A1", "quantity": 2, "notes": []}
    assert bad_order.status_code == 422
    assert bad_order.json()["errors"] == [
        {"loc": ["body", "quantity"], "msg": "Expected `int`, got `str`", "type": "value_error"}
    ]
    assert missing.status_code == 422
    assert missing.json()["errors"] == [{"loc": ["body", "sku"], "msg": "Field required", "type": "missing"}]
    assert nested.json()["errors"][0]["loc"] == ["body", "notes", 1]
    assert malformed.status_code == 400
    assert form.json() == {"sku": "F1", "quantity": 4}


def test_openapi_schemas_of_dataclass_attrs_and_msgspec_bodies() -> None:
    from openapi_spec_validator import validate

    from surge.openapi import build_openapi

    document = build_openapi(make_app(BodiesApi))  # type: ignore[arg-type]
    validate(document)
    schemas = document["components"]["schemas"]

    def ref(path_: str) -> str:
        content = document["paths"][path_]["post"]["requestBody"]["content"]
        return next(iter(content.values()))["schema"]["$ref"].rsplit("/", 1)[1]

    assert ref("/b/point") == "Point" and schemas["Point"]["required"] == ["x"]
    assert ref("/b/box") == "Box" and schemas["Box"]["properties"]["size"] == {"$ref": "#/components/schemas/Dimensions"}
    assert ref("/b/order") == "Order"
    assert schemas["Order"]["required"] == ["sku", "quantity"]
    assert schemas["Order"]["properties"]["quantity"] == {"type": "integer"}


# -- background tasks ---------------------------------------------------------------------------

events: list[str] = []


async def notify(who: str, *, delay: float = 0) -> None:
    await asyncio.sleep(delay)
    events.append(f"async:{who}")


def write_log(line: str) -> None:
    events.append(f"sync:{line}:{threading.current_thread() is not threading.main_thread()}")


def explode() -> None:
    raise RuntimeError("task kaput")


@path("/t")
class TasksApi(Controller):
    @post("/signup")
    async def signup(self, req: Request, tasks: BackgroundTasks) -> Response:
        tasks.add(notify, "ann", delay=0.01)
        tasks.add(explode)
        tasks.add(write_log, "done")
        events.append("handler")
        return req.response.json({"ok": True}).status(201)

    @get("/none")
    def none(self, tasks: BackgroundTasks) -> dict:
        return {"queued": len(tasks)}


async def test_background_tasks_run_after_the_response_in_order_and_survive_a_failure() -> None:
    events.clear()
    app = make_app(TasksApi)
    logged: list[str] = []
    sink = app.logger.add(lambda message: logged.append(str(message)), level="ERROR")  # type: ignore[attr-defined]
    try:
        async with TestClient(app) as c:
            res = await c.post("/t/signup")
            none = await c.get("/t/none")
    finally:
        app.logger.remove(sink)  # type: ignore[attr-defined]
    assert res.status_code == 201 and res.json() == {"ok": True}
    assert events == ["handler", "async:ann", "sync:done:True"]
    assert any("Background task explode failed" in line and "task kaput" in line for line in logged)
    assert none.json() == {"queued": 0}


async def test_background_tasks_start_only_once_the_response_is_sent() -> None:
    events.clear()
    sent: list[str] = []
    app = make_app(TasksApi)

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.body" and not message.get("more_body"):
            sent.append(f"sent-after:{len(events)}")

    await app.startup()  # type: ignore[attr-defined]
    scope = {
        "type": "http", "method": "POST", "path": "/t/signup", "raw_path": b"/t/signup", "query_string": b"",
        "headers": [], "scheme": "http", "server": ("test", 80), "client": ("c", 1), "root_path": "",
        "http_version": "1.1", "asgi": {"version": "3.0"},
    }  # fmt: skip
    await app(scope, receive, send)  # type: ignore[operator]
    await app.shutdown()  # type: ignore[attr-defined]
    assert sent == ["sent-after:1"]  # only the handler had run when the body went out
    assert events == ["handler", "async:ann", "sync:done:True"]


# -- lifespan -----------------------------------------------------------------------------------


class LifespanConfig(BaseConfig):
    DEBUG: bool = False


def lifespan_app(order: list[str], *, fail: bool = False) -> Surge:
    @asynccontextmanager
    async def lifespan(app: Surge) -> AsyncIterator[dict]:
        order.append("lifespan:start")
        if fail:
            raise RuntimeError("no database")
        yield {"pool": "db-pool"}
        order.append("lifespan:stop")

    class App(Surge):
        @on_startup
        async def started(self) -> None:
            order.append(f"on_startup:{self.state.get('pool')}")

        @on_shutdown
        async def stopped(self) -> None:
            order.append("on_shutdown")

    application = App(__name__, configs=LifespanConfig(), lifespan=lifespan)
    application.add_on_startup_method(lambda: order.append("extension:start"))
    application.add_on_shutdown_method(lambda: order.append("extension:stop"))
    return application


async def test_lifespan_runs_around_startup_and_shutdown_in_documented_order() -> None:
    order: list[str] = []
    async with TestClient(lifespan_app(order)):
        assert order == ["extension:start", "lifespan:start", "on_startup:db-pool"]
    assert order[3:] == ["on_shutdown", "lifespan:stop", "extension:stop"]


async def test_a_failing_lifespan_fails_startup_with_its_error() -> None:
    with pytest.raises(LifespanFailed, match="RuntimeError: no database"):
        async with TestClient(lifespan_app([], fail=True)):
            pass


async def test_a_lifespan_method_on_the_app_class() -> None:
    order: list[str] = []

    class App(Surge):
        @asynccontextmanager
        async def lifespan(self) -> AsyncIterator[None]:
            order.append(f"start:{type(self).__name__}")
            yield
            order.append("stop")

    async with TestClient(App(__name__, configs=LifespanConfig())):
        assert order == ["start:App"]
    assert order == ["start:App", "stop"]
