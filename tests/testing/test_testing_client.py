"""The TestClient keeps cookies, runs the lifespan, and is usable as the seed shows."""

import pytest

from surge import Request, Response
from surge.controller import Controller, get, path
from surge.testing import SurgeTestClient, TestClient

from surge_testkit import make_app


@path("/")
class Counter(Controller):
    @get("/visit")
    async def visit(self, req: Request) -> Response:
        count = int(req.cookies.get("visits", "0")) + 1
        return req.response.json({"visits": count}).set_cookie("visits", str(count))


@pytest.fixture
async def application():
    yield make_app(Counter)


@pytest.fixture
async def client(application):
    async with SurgeTestClient(application) as c:
        yield c


async def test_cookies_persist_between_requests(client) -> None:
    assert (await client.get("/visit")).json() == {"visits": 1}
    assert (await client.get("/visit")).json() == {"visits": 2}


def test_alias() -> None:
    assert SurgeTestClient is TestClient
