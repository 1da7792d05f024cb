"""Custom querysets (sync and async), method overrides returning dicts or Responses, sync
overrides in worker threads, and background tasks that run after the response is sent."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from surge.http.request import Request
from surge.rest import Authentication, Field, JWTAuthentication, RestEndpoint
from surge.testing import TestClient

from rest_testkit import Target, rest_app


class PublishedArticleEndpoint(RestEndpoint):
    title: str = Field(min_length=1)
    published: bool = Field()

    def queryset(self, request: Request) -> Any:
        cls = type(self)
        return select(cls._model_class).where(cls._model_class.published == True)  # noqa: E712


class OwnOrderEndpoint(RestEndpoint):
    amount: float = Field(ge=0)
    owner_id: str = Field(min_length=1)

    class Meta:
        authentication = Authentication(backend=JWTAuthentication)

    async def queryset(self, request: Request) -> Any:
        model = type(self)._model_class
        return select(model).where(model.owner_id == request.state.user["sub"])


async def test_sync_queryset_scopes_the_list_not_the_detail(target: Target) -> None:
    async with TestClient(rest_app(target, {"/articles": PublishedArticleEndpoint})) as client:
        await client.post("/articles", json={"title": "draft", "published": False})
        await client.post("/articles", json={"title": "live", "published": True})
        assert [row["title"] for row in (await client.get("/articles")).json()["results"]] == ["live"]
        assert (await client.get("/articles/1")).json()["title"] == "draft"


async def test_async_queryset_uses_the_request_user(sqlite_target: Target) -> None:
    app = rest_app(sqlite_target, {"/orders": OwnOrderEndpoint}, REST_API={"JWT_SECRET": "s" * 32})
    rest = app.extensions["rest_api"]
    alice = {"Authorization": f"Bearer {rest.create_token({'sub': 'alice'})}"}
    bob = {"Authorization": f"Bearer {rest.create_token({'sub': 'bob'})}"}
    async with TestClient(app) as client:
        await client.post("/orders", json={"amount": 1, "owner_id": "alice"}, headers=alice)
        await client.post("/orders", json={"amount": 2, "owner_id": "bob"}, headers=bob)
        mine = (await client.get("/orders", headers=alice)).json()["results"]
        assert [row["owner_id"] for row in mine] == ["alice"]


class ProductEndpoint(RestEndpoint):
    name: str = Field(min_length=1)
    price: float = Field(ge=0)

    async def post(self, request: Request) -> Any:
        data = json.loads(await request.body())
        data["name"] = data["name"].strip().title()
        return await self._create_async(data)

    async def get(self, request: Request) -> Any:
        if "id" in request.route_parameters:
            response = await self._retrieve_async(request, request.route_parameters["id"])
            if response.status_code == 200:
                return {"product": json.loads(response.body), "source": "override"}
            return response
        listed = await self._list_async(request)
        return {"count": len(json.loads(listed.body)["results"])}

    def delete(self, request: Request) -> Any:
        """Refuse deletes (a sync override, run in a worker thread)."""
        response = request.app.response_class(request).json({"detail": "products are never deleted"})
        return response.status(403)


async def test_overrides_return_dicts_or_responses(target: Target) -> None:
    async with TestClient(rest_app(target, {"/products": ProductEndpoint})) as client:
        created = await client.post("/products", json={"name": "  fancy widget ", "price": 3})
        assert created.status_code == 201 and created.json()["name"] == "Fancy Widget"
        invalid = await client.post("/products", json={"name": "x", "price": -1})
        assert invalid.status_code == 422 and invalid.json()["detail"][0]["loc"] == ["body", "price"]
        assert (await client.get("/products")).json() == {"count": 1}
        one = (await client.get("/products/1")).json()
        assert one["source"] == "override" and one["product"]["name"] == "Fancy Widget"
        assert (await client.get("/products/9")).status_code == 404
        refused = await client.delete("/products/1")
        assert refused.status_code == 403 and refused.json() == {"detail": "products are never deleted"}
    assert await target.fetch("SELECT name FROM productendpoints") == [("Fancy Widget",)]


class TagEndpoint(RestEndpoint):
    label: str = Field(min_length=1)

    def queryset(self, request: Request) -> Any:
        return select(type(self)._model_class).order_by(type(self)._model_class.label.desc())

    def list(self, request: Request) -> Any:
        """A sync override: it calls the async helper through self.run()."""
        response = self.run(self._list_async(request))
        return {"labels": [row["label"] for row in json.loads(response.body)["results"]]}

    async def create(self, data: Any) -> Any:
        data = data.model_copy(update={"label": data.label.lower()})
        return await self._create_async(data)


async def test_sync_and_async_step_overrides(sqlite_target: Target) -> None:
    async with TestClient(rest_app(sqlite_target, {"/tags": TagEndpoint})) as client:
        for label in ("B", "a", "C"):
            assert (await client.post("/tags", json={"label": label})).status_code == 201
        assert (await client.get("/tags")).json() == {"labels": ["c", "b", "a"]}


EVENTS: list[str] = []


async def notify(order_id: int) -> None:
    EVENTS.append(f"notify {order_id}")


def audit(order_id: int, *, note: str) -> None:
    EVENTS.append(f"audit {order_id} {note}")


def broken(order_id: int) -> None:
    raise RuntimeError("the mail server is down")


class OrderEndpoint(RestEndpoint):
    amount: float = Field(ge=0)

    async def post(self, request: Request) -> Any:
        response = await self._create_async(json.loads(await request.body()))
        if response.status_code == 201:
            order_id = json.loads(response.body)["id"]
            self.background(broken, order_id)
            self.background(notify, order_id)
            self.background(audit, order_id, note="created")
        return response


async def _call(app: Any, method: str, path: str, body: bytes) -> tuple[int, list[str]]:
    """Drive the app over raw ASGI, noting when the response is completely sent."""
    status = 0
    sent: list[bool] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif not message.get("more_body", False):
            sent.append(True)
            EVENTS.append("response sent")

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
        "scheme": "http",
    }
    await app(scope, receive, send)
    return status, list(EVENTS)


async def test_background_tasks_run_after_the_response(sqlite_target: Target) -> None:
    app = rest_app(sqlite_target, {"/orders": OrderEndpoint})
    EVENTS.clear()
    async with TestClient(app):
        status, events = await _call(app, "POST", "/orders", b'{"amount": 5}')
        assert status == 201
        assert events == ["response sent", "notify 1", "audit 1 created"]  # the failing task is logged, not fatal
        EVENTS.clear()
        status, events = await _call(app, "POST", "/orders", b'{"amount": -5}')
        assert status == 422 and events == ["response sent"]  # no task scheduled for a failed create


def test_background_outside_a_request_is_an_error() -> None:
    import pytest

    with pytest.raises(RuntimeError, match="outside request handler"):
        OrderEndpoint().background(notify, 1)
