"""Exception handlers: custom exceptions, most specific wins, default answers (aborts too), DEBUG."""

import pytest
from pydantic import BaseModel, ValidationError

from surge import HttpStatus, MediaType, Request, Response, abort, html_abort
from surge.controller import Controller, consumes, get, path, post
from surge.exceptions import BaseHttpException, CustomException, ExceptionHandler, handles
from surge.testing import TestClient

from surge_testkit import make_app


class EntityNotFound(CustomException):
    pass


class PaymentRequired(BaseHttpException):
    status_code = 402
    default_message = "Pay first"


class Base(Exception):
    pass


class Child(Base):
    pass


class Item(BaseModel):
    name: str


@path("/")
class Api(Controller):
    @get("/entity")
    async def entity(self, req: Request) -> Response:
        raise EntityNotFound("no such entity")

    @get("/pay")
    async def pay(self, req: Request) -> Response:
        raise PaymentRequired()

    @get("/abort/<int:user_id>")
    async def aborting(self, req: Request, user_id: int) -> Response:
        abort(msg=f"User with id {user_id} not found", status_code=HttpStatus.NOT_FOUND, status="error", data={"id": 1})

    @get("/html-abort")
    async def html_aborting(self, req: Request) -> Response:
        html_abort("error.html", HttpStatus.FORBIDDEN, data={"message": "<forbidden>"})

    @get("/child")
    async def child(self, req: Request) -> Response:
        raise Child()

    @get("/base")
    async def base(self, req: Request) -> Response:
        raise Base()

    @get("/value")
    async def value(self, req: Request) -> Response:
        raise ValueError("boom")

    @post("/items")
    @consumes(MediaType.APPLICATION_JSON)
    async def items(self, req: Request, item: Item) -> dict:
        return item.model_dump()


class CustomExceptionHandler(ExceptionHandler):
    @handles(ValidationError)
    async def validation_error(self, req: Request, exc: ValidationError) -> Response:
        """The seed's example handler."""
        details = {}
        for error in exc.errors():
            details[error["loc"][0]] = error["msg"]
        return req.response.json({"message": "Validation failed.", "details": details}).status(
            HttpStatus.UNPROCESSABLE_ENTITY
        )

    @handles(EntityNotFound, PaymentRequired)
    async def not_found(self, req: Request, exc: Exception) -> Response:
        return req.response.json({"handled": type(exc).__name__, "app": self.app.app_name}).status(404)

    @handles(Base)
    async def base(self, req: Request, exc: Base) -> Response:
        return req.response.json({"handler": "base", "type": type(exc).__name__}).status(400)

    @handles(Child)
    async def child(self, req: Request, exc: Child) -> Response:
        return req.response.json({"handler": "child"}).status(400)


@pytest.fixture
def templates(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "error.html").write_text("<h1>Error: {{ message }}</h1>")
    return tmp_path


async def test_custom_handlers(templates) -> None:
    app = make_app(Api, BASE_PATH=str(templates))
    app.add_exception_handler(CustomExceptionHandler)
    async with TestClient(app) as c:
        res = await c.get("/entity")
        assert (res.status_code, res.json()) == (404, {"handled": "EntityNotFound", "app": "Surge app"})
        assert (await c.get("/pay")).json()["handled"] == "PaymentRequired"
        res = await c.post("/items", json={})
        assert res.status_code == 422
        assert res.json() == {"message": "Validation failed.", "details": {"name": "Field required"}}


async def test_most_specific_handler_wins(templates) -> None:
    app = make_app(Api, BASE_PATH=str(templates))
    app.add_exception_handler(CustomExceptionHandler)
    async with TestClient(app) as c:
        assert (await c.get("/child")).json() == {"handler": "child"}
        assert (await c.get("/base")).json() == {"handler": "base", "type": "Base"}


async def test_default_responses(templates) -> None:
    app = make_app(Api, BASE_PATH=str(templates))
    async with TestClient(app) as c:
        res = await c.get("/pay")
        assert (res.status_code, res.json()) == (402, {"status": "error", "message": "Pay first"})
        res = await c.get("/abort/7")
        assert res.status_code == 404
        assert res.json() == {"status": "error", "message": "User with id 7 not found", "data": {"id": 1}}
        res = await c.get("/html-abort")
        assert res.status_code == 403
        assert res.headers["content-type"].startswith("text/html")
        assert res.text == "<h1>Error: &lt;forbidden&gt;</h1>"
        res = await c.get("/value")
        assert (res.status_code, res.json()) == (500, {"status": "error", "message": "Internal server error"})


async def test_handler_for_exception_does_not_swallow_http_errors(templates) -> None:
    class CatchAll(ExceptionHandler):
        @handles(Exception)
        async def any_error(self, req: Request, exc: Exception) -> Response:
            return req.response.json({"caught": type(exc).__name__}).status(500)

    app = make_app(Api, BASE_PATH=str(templates))
    app.add_exception_handler(CatchAll)
    async with TestClient(app) as c:
        assert (await c.get("/value")).json() == {"caught": "ValueError"}
        assert (await c.get("/nowhere")).status_code == 404


async def test_debug_mode_propagates_unhandled_errors(templates) -> None:
    app = make_app(Api, BASE_PATH=str(templates), DEBUG=True)
    async with TestClient(app) as c:
        with pytest.raises(ValueError, match="boom"):
            await c.get("/value")
        assert (await c.get("/pay")).status_code == 402  # handled errors still answer


async def test_failing_handler_falls_back_to_500(templates) -> None:
    class Broken(ExceptionHandler):
        @handles(EntityNotFound)
        async def broken(self, req: Request, exc: Exception) -> Response:
            raise RuntimeError("handler bug")

    app = make_app(Api, BASE_PATH=str(templates))
    app.add_exception_handler(Broken)
    async with TestClient(app) as c:
        res = await c.get("/entity")
        assert res.status_code == 500
