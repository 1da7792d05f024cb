"""MongoBackend: its code paths against mongomock-motor, its connection errors against pymongo.

No MongoDB server can be installed on these machines, so the CRUD and endpoint tests run the
real MongoBackend with its client swapped (through the documented ``create_client`` hook) for
mongomock-motor's in-memory client, which has no transactions: ``@managed_database`` injects a
None session there, as it does on a standalone MongoDB server.
"""

from __future__ import annotations

from typing import Any

import pytest

from surge import Request
from surge.controller import Controller, get, path, post
from surge.database.nosql import MongoBackend, NoSqlDatabase
from surge.testing import TestClient

from surge_testkit import free_port, make_app


class MockedMongoBackend(MongoBackend):
    """The real backend, talking to mongomock-motor instead of a server."""

    def create_client(self) -> Any:
        from mongomock_motor import AsyncMongoMockClient

        return AsyncMongoMockClient()


mongo = NoSqlDatabase(db_name="mongo")


@path("/items")
class ItemsApi(Controller):
    @post("/<name>")
    @mongo.managed_database
    async def add(self, req: Request, name: str, db: Any, session: Any = None) -> dict[str, Any]:
        result = await db.insert_one("items", {"name": name, "qty": 1}, session=session)
        return {"id": str(result.inserted_id), "session": session}

    @get("/<name>")
    @mongo.readonly_database
    async def read(self, req: Request, name: str, db: Any) -> dict[str, Any]:
        item = await db.find_one("items", {"name": name}, projection={"_id": 0})
        return {"item": item}


@pytest.fixture
async def app_and_client():
    app = make_app(
        ItemsApi,
        NOSQL_DATABASE={"BACKEND": MockedMongoBackend, "DATABASE_URI": "mongodb://unused", "DATABASE": "shop"},
    )
    app.add_extension(mongo)
    async with TestClient(app) as client:
        yield app, client


async def test_endpoints_through_the_mongo_backend(app_and_client):
    _, client = app_and_client
    added = await client.post("/items/pen")
    assert added.status_code == 200
    assert added.json()["session"] is None
    assert len(added.json()["id"]) == 24  # an ObjectId
    assert (await client.get("/items/pen")).json() == {"item": {"name": "pen", "qty": 1}}
    assert not mongo.backend.supports_transactions()


async def test_mongo_backend_methods(app_and_client):
    await mongo.insert_many("stock", [{"sku": "a", "n": 3}, {"sku": "b", "n": 1}, {"sku": "c", "n": 2}])
    assert [d["sku"] for d in await mongo.find_many("stock", {}, sort=[("n", -1)], skip=1, limit=1)] == ["c"]
    updated = await mongo.update_one("stock", {"sku": "a"}, {"$inc": {"n": 2}})
    assert updated.modified_count == 1
    assert (await mongo.find_one("stock", {"sku": "a"}))["n"] == 5
    assert (await mongo.update_one("stock", {"sku": "z"}, {"$set": {"n": 0}}, upsert=True)).upserted_id is not None
    assert (await mongo.delete_one("stock", {"sku": "b"})).deleted_count == 1
    assert await mongo.aggregate("stock", [{"$match": {"n": {"$gte": 2}}}, {"$count": "many"}]) == [{"many": 2}]
    assert await mongo.execute_raw("ping") == {"ok": 1.0}
    assert mongo.get_collection("stock").name == "stock"
    assert mongo.database_handle().name == "shop"


async def test_unreachable_server_fails_at_startup_with_the_uri():
    """The real pymongo client, pointed at a port where nothing listens."""
    uri = f"mongodb://127.0.0.1:{free_port()}"
    app = make_app(NOSQL_DATABASE={"BACKEND": MongoBackend, "DATABASE_URI": uri, "SERVER_SELECTION_TIMEOUT_MS": 300})
    database = NoSqlDatabase()
    app.add_extension(database)
    with pytest.raises(RuntimeError, match="Cannot connect to MongoDB at mongodb://127.0.0.1"):
        await database.startup()
    await database.shutdown()
