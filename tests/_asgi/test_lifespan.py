"""Starting the app: the lifespan protocol, and exactly once on first requests when there is none."""

from __future__ import annotations

import asyncio

import httpx

from surge import BaseConfig, Request, Response, Surge
from surge.controller import Controller, get, path
from surge.roles import Lifecycle


@path("/")
class ReadyApi(Controller):
    @get("/ready")
    async def ready(self, req: Request) -> Response:
        ready: bool = req.app.extensions["slow_start"].ready
        return req.response.json({"ready": ready})


class SlowStart(Lifecycle):
    """An extension whose startup takes a while: requests must not run before it is done."""

    def __init__(self) -> None:
        self.starts = 0
        self.ready = False

    def init_app(self, app: Surge) -> None:
        app.extensions["slow_start"] = self

    async def startup(self) -> None:
        self.starts += 1
        await asyncio.sleep(0.2)
        self.ready = True

    async def shutdown(self) -> None:
        self.ready = False


def make() -> tuple[Surge, SlowStart]:
    application = Surge(__name__, configs=BaseConfig(DEBUG=False))
    extension = SlowStart()
    application.add_extension(extension)
    application.register_controller(ReadyApi)
    return application, extension


async def test_concurrent_first_requests_start_the_app_once_and_wait_for_it() -> None:
    application, extension = make()
    transport = httpx.ASGITransport(app=application)  # sends no lifespan, like a server without one
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        responses = await asyncio.gather(*(client.get("/ready") for _ in range(10)))
    assert [r.status_code for r in responses] == [200] * 10
    assert all(r.json() == {"ready": True} for r in responses)  # nobody ran against a half-started app
    assert extension.starts == 1


async def test_a_stopped_app_starts_again_on_its_next_request() -> None:
    application, extension = make()
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        first, second = await asyncio.gather(client.get("/ready"), client.get("/ready"))
    assert first.json() == second.json() == {"ready": True}
    await application.shutdown()
    assert extension.ready is False
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://test") as client:
        assert (await client.get("/ready")).json() == {"ready": True}  # a stopped app starts again
    assert extension.starts == 2
