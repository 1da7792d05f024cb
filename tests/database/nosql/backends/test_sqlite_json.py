"""SqliteJsonBackend on a real SQLite file: CRUD, operators, updates, aggregation, transactions."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from surge.database.nosql import SqliteJsonBackend
from surge.database.nosql.backends import DuplicateKeyError


@pytest.fixture
async def backend(tmp_path):
    store = SqliteJsonBackend(str(tmp_path / "docs.db"))
    await store.connect()
    await store.insert_many(
        "users",
        [
            {"_id": "ann", "name": "Ann", "age": 31, "tags": ["admin", "dev"], "address": {"city": "Oslo"}},
            {"_id": "bob", "name": "Bob", "age": 25, "tags": ["dev"], "address": {"city": "Rome"}},
            {"_id": "cid", "name": "Cid", "age": 42, "active": True},
            {"_id": "dan", "name": "dan", "age": "unknown"},
        ],
    )
    yield store
    await store.disconnect()


async def ids(store, filter=None, **kwargs):
    return [doc["_id"] for doc in await store.find_many("users", filter, **kwargs)]


async def test_equality_nested_paths_and_arrays(backend):
    assert await ids(backend, {"name": "Ann"}) == ["ann"]
    assert await ids(backend, {"address.city": "Rome"}) == ["bob"]
    assert await ids(backend, {"tags": "dev"}) == ["ann", "bob"]
    assert await ids(backend, {"tags.0": "dev"}) == ["bob"]
    assert await ids(backend, {"active": True}) == ["cid"]
    assert await ids(backend, {"active": 1}) == []  # booleans are not numbers
    assert await ids(backend, {"active": None}) == ["ann", "bob", "dan"]
    assert await ids(backend, {"address": {"city": "Oslo"}}) == ["ann"]


async def test_operators(backend):
    assert await ids(backend, {"age": {"$gt": 30}}) == ["ann", "cid"]
    assert await ids(backend, {"age": {"$gte": 25, "$lt": 40}}) == ["ann", "bob"]
    assert await ids(backend, {"age": {"$lte": "zzz"}}) == ["dan"]  # strings compare with strings only
    assert await ids(backend, {"name": {"$in": ["Bob", "Cid"]}}) == ["bob", "cid"]
    assert await ids(backend, {"name": {"$nin": ["Bob", "Cid"]}}) == ["ann", "dan"]
    assert await ids(backend, {"tags": {"$ne": "dev"}}) == ["cid", "dan"]
    assert await ids(backend, {"active": {"$exists": False}}) == ["ann", "bob", "dan"]
    assert await ids(backend, {"name": {"$regex": "^d", "$options": "i"}}) == ["dan"]
    assert await ids(backend, {"$or": [{"age": 25}, {"name": "Cid"}]}) == ["bob", "cid"]
    assert await ids(backend, {"$and": [{"tags": "dev"}, {"age": {"$gt": 30}}]}) == ["ann"]
    assert await ids(backend, {"$nor": [{"tags": "dev"}, {"active": True}]}) == ["dan"]
    with pytest.raises(ValueError, match=r"\$where"):
        await backend.find_many("users", {"$where": "1"})
    with pytest.raises(ValueError, match=r"\$size"):
        await backend.find_many("users", {"tags": {"$size": 2}})


async def test_sort_skip_limit_projection(backend):
    assert await ids(backend, {"age": {"$gt": 0}}, sort=[("age", -1)]) == ["cid", "ann", "bob"]
    assert await ids(backend, None, sort=[("age", 1)]) == ["bob", "ann", "cid", "dan"]  # numbers before strings
    assert await ids(backend, None, sort=[("age", 1)], skip=1, limit=2) == ["ann", "cid"]
    assert await backend.find_many("users", {"_id": "ann"}, projection={"name": 1}) == [{"_id": "ann", "name": "Ann"}]
    assert await backend.find_many("users", {"_id": "bob"}, projection={"address": 0, "tags": 0, "_id": 0}) == [
        {"name": "Bob", "age": 25}
    ]
    assert (await backend.find_one("users", {"age": {"$gt": 100}})) is None
    assert await backend.count_documents("users", {"tags": "dev"}) == 2


async def test_inserts_generate_ids_and_refuse_duplicates(backend):
    result = await backend.insert_one("users", {"name": "Eve"})
    assert isinstance(result.inserted_id, str) and len(result.inserted_id) == 32
    assert (await backend.find_one("users", {"_id": result.inserted_id}))["name"] == "Eve"
    with pytest.raises(DuplicateKeyError):
        await backend.insert_many("users", [{"_id": "new"}, {"_id": "ann"}])
    assert await backend.find_one("users", {"_id": "new"}) is None  # all or nothing


async def test_updates_and_upserts(backend):
    result = await backend.update_one(
        "users", {"_id": "bob"}, {"$set": {"address.zip": "00100"}, "$inc": {"age": 1}, "$push": {"tags": "ops"}}
    )
    assert (result.matched_count, result.modified_count) == (1, 1)
    bob = await backend.find_one("users", {"_id": "bob"})
    assert bob["age"] == 26 and bob["tags"] == ["dev", "ops"] and bob["address"] == {"city": "Rome", "zip": "00100"}
    same = await backend.update_one("users", {"_id": "bob"}, {"$set": {"age": 26}})
    assert (same.matched_count, same.modified_count) == (1, 0)
    missing = await backend.update_one("users", {"_id": "zed"}, {"$set": {"age": 1}})
    assert (missing.matched_count, missing.upserted_id) == (0, None)
    upserted = await backend.update_one("users", {"email": "z@x.io"}, {"$set": {"age": 9}}, upsert=True)
    assert (await backend.find_one("users", {"_id": upserted.upserted_id})) == {
        "_id": upserted.upserted_id, "email": "z@x.io", "age": 9,
    }
    await backend.update_one("users", {"_id": "ann"}, {"$unset": {"address": ""}, "$pull": {"tags": "admin"}})
    assert await backend.find_one("users", {"_id": "ann"}, projection={"tags": 1, "address": 1}) == {
        "_id": "ann", "tags": ["dev"],
    }
    with pytest.raises(ValueError, match="operators"):
        await backend.update_one("users", {"_id": "ann"}, {"name": "replacement"})
    with pytest.raises(ValueError, match="_id"):
        await backend.update_one("users", {"_id": "ann"}, {"$set": {"_id": "x"}})


async def test_delete_and_aggregate(backend):
    assert (await backend.delete_one("users", {"tags": "dev"})).deleted_count == 1
    assert await ids(backend) == ["bob", "cid", "dan"]
    assert (await backend.delete_one("users", {"_id": "nobody"})).deleted_count == 0
    await backend.insert_many("orders", [
        {"user": "bob", "total": 10, "items": ["a", "b"]},
        {"user": "bob", "total": 5, "items": ["c"]},
        {"user": "cid", "total": 7, "items": []},
    ])
    totals = await backend.aggregate("orders", [
        {"$match": {"total": {"$gt": 4}}},
        {"$group": {"_id": "$user", "sum": {"$sum": "$total"}, "n": {"$count": {}}, "max": {"$max": "$total"}}},
        {"$sort": {"sum": -1}},
    ])
    assert totals == [{"_id": "bob", "sum": 15, "n": 2, "max": 10}, {"_id": "cid", "sum": 7, "n": 1, "max": 7}]
    items = await backend.aggregate("orders", [{"$unwind": "$items"}, {"$count": "items"}])
    assert items == [{"items": 3}]
    with pytest.raises(ValueError, match=r"\$lookup"):
        await backend.aggregate("orders", [{"$lookup": {}}])


async def test_transactions_commit_and_roll_back(backend):
    session = await backend.start_session()

    async def transfer(*, session):
        await backend.insert_one("users", {"_id": "eve", "age": 1}, session=session)
        await backend.update_one("users", {"_id": "ann"}, {"$inc": {"age": 1}})  # no session: uses the open one
        raise RuntimeError("abort")

    with pytest.raises(RuntimeError):
        await backend.with_transaction(transfer, session=session)
    assert await backend.find_one("users", {"_id": "eve"}) is None
    assert (await backend.find_one("users", {"_id": "ann"}))["age"] == 31

    async def commit(*, session):
        await backend.insert_one("users", {"_id": "eve"}, session=session)
        await backend.insert_one("audit", {"event": "eve joined"})  # new collection inside the transaction
        return "done"

    assert await backend.with_transaction(commit, session=session) == "done"
    await session.end_session()
    assert await ids(backend, {"_id": "eve"}) == ["eve"]
    assert len(await backend.find_many("audit")) == 1


async def test_documents_persist_and_names_are_checked(tmp_path, backend):
    collection = backend.get_collection("users")
    await collection.insert_one({"_id": "fay", "age": 3})
    await backend.disconnect()
    reopened = SqliteJsonBackend(backend.path)
    await reopened.connect()
    assert (await reopened.get_collection("users").find_one({"_id": "fay"})) == {"_id": "fay", "age": 3}
    assert (await reopened.execute_raw("SELECT COUNT(*) FROM users"))[0][0] == 5
    with pytest.raises(ValueError, match="collection name"):
        await reopened.find_many('users"; DROP TABLE users; --')
    await reopened.disconnect()
    await backend.connect()
    with sqlite3.connect(backend.path) as probe:
        assert probe.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_concurrent_writers(backend):
    await asyncio.gather(*(backend.update_one("users", {"_id": "ann"}, {"$inc": {"age": 1}}) for _ in range(20)))
    assert (await backend.find_one("users", {"_id": "ann"}))["age"] == 51
