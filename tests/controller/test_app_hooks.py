"""App-wide ``@before_request`` / ``@after_request``: methods of the application class, around every endpoint."""

from __future__ import annotations

from surge import BaseConfig, Request, Response, Surge
from surge.controller import Controller, after_request, before_request, get, path
from surge.testing import TestClient


@path("/")
class Pages(Controller):
    @before_request
    async def controller_before(self, req: Request) -> None:
        req.state.order.append("controller-before")

    @after_request
    async def controller_after(self, response: Response) -> None:
        response.request.state.order.append("controller-after")  # type: ignore[union-attr]

    @get("/page")
    async def page(self, req: Request) -> Response:
        req.state.order.append("handler")
        return req.response.json({"order": req.state.order})

    @get("/plain")
    async def plain(self, req: Request) -> Response:
        return req.response.text("plain")


class Hooked(Surge):
    @before_request
    async def a_open(self, req: Request) -> Response | None:
        req.state.order = ["app-before"]
        if req.query_params.get("deny"):
            return req.app.response_class(req).json({"denied": True}).status(403)
        return None

    @after_request
    def b_stamp(self, response: Response) -> Response | None:  # a plain method works too
        response.headers["x-app"] = "stamped"
        if response.request is not None and hasattr(response.request.state, "order"):  # type: ignore[attr-defined]
            response.headers["x-order"] = ",".join([*response.request.state.order, "app-after"])  # type: ignore[attr-defined]
        if response.request is not None and response.request.query_params.get("swap"):  # type: ignore[attr-defined]
            return Response(response.request).text("swapped").status(202)
        return None


def hooked_app() -> Hooked:
    application = Hooked(__name__, configs=BaseConfig(DEBUG=False, BASE_PATH="."))
    application.register_controller(Pages)
    return application


async def test_app_hooks_wrap_the_controller_hooks() -> None:
    async with TestClient(hooked_app()) as client:
        res = await client.get("/page")
    assert res.status_code == 200
    assert res.headers["x-order"] == "app-before,controller-before,handler,controller-after,app-after"
    assert res.headers["x-app"] == "stamped"


async def test_a_before_hook_response_short_circuits_and_after_hooks_still_see_it() -> None:
    async with TestClient(hooked_app()) as client:
        res = await client.get("/page?deny=1")
    assert res.status_code == 403
    assert res.json() == {"denied": True}
    assert res.headers["x-app"] == "stamped"


async def test_an_after_hook_may_replace_the_response() -> None:
    async with TestClient(hooked_app()) as client:
        res = await client.get("/plain?swap=1")
    assert res.status_code == 202
    assert res.text == "swapped"


async def test_every_endpoint_gets_them_including_404s_not() -> None:
    async with TestClient(hooked_app()) as client:
        plain = await client.get("/plain")
        missing = await client.get("/nowhere")
    assert plain.headers["x-app"] == "stamped"
    assert missing.status_code == 404 and "x-app" not in missing.headers  # no endpoint: no hooks


async def test_an_app_without_hooks_serves_the_compiled_endpoint_itself() -> None:
    from surge.controller.compiler import app_hooked

    async def endpoint(req: Request) -> Response:
        raise AssertionError("not called")

    assert app_hooked(endpoint, (), ()) is endpoint
