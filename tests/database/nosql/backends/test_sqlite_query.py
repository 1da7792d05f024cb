"""The SQL translation of filters and sorts agrees with the reference matcher in Python."""

from __future__ import annotations

import pytest

from surge.database.nosql import SqliteJsonBackend
from surge.database.nosql.backends._documents import matches, sort_documents

DOCS = [
    {"_id": 1, "n": 5, "s": "b", "flag": True, "arr": [1, 2], "nested": {"x": 1}},
    {"_id": 2, "n": 2.5, "s": "a", "flag": False, "arr": ["a"], "nested": {"x": "1"}},
    {"_id": 3, "n": None, "s": "c", "arr": []},
    {"_id": 4, "s": 7, "nested": {"y": [3, 4]}},
    {"_id": 5, "n": "5", "flag": 1, "arr": [2, "2"]},
]

FILTERS = [
    {},
    {"n": 5},
    {"n": None},
    {"n": {"$ne": None}},
    {"n": {"$gt": 2}},
    {"n": {"$lte": "5"}},
    {"s": {"$gte": "b"}},
    {"flag": True},
    {"flag": {"$ne": True}},
    {"flag": 1},
    {"arr": 2},
    {"arr": "2"},
    {"arr": {"$in": [1, "a"]}},
    {"arr": {"$nin": [2]}},
    {"nested.x": 1},
    {"nested.y.1": 4},
    {"nested.y": 3},
    {"n": {"$exists": True}},
    {"flag": {"$exists": False}},
    {"s": {"$regex": "^[ab]$"}},
    {"$or": [{"n": 5}, {"s": 7}]},
    {"$nor": [{"arr": 2}, {"flag": True}]},
    {"$and": [{"n": {"$gte": 2}}, {"n": {"$lt": 5}}]},
    {"n": {"$in": [None, 2.5]}},
]


@pytest.fixture
async def backend(tmp_path):
    store = SqliteJsonBackend(str(tmp_path / "parity.db"))
    await store.connect()
    await store.insert_many("docs", DOCS)
    yield store
    await store.disconnect()


@pytest.mark.parametrize("filter", FILTERS, ids=[str(f) for f in FILTERS])
async def test_filter_parity(backend, filter):
    in_sql = [doc["_id"] for doc in await backend.find_many("docs", filter)]
    in_python = [doc["_id"] for doc in DOCS if matches(doc, filter)]
    assert in_sql == in_python


@pytest.mark.parametrize("sort", [[("n", 1)], [("n", -1)], [("s", 1), ("_id", -1)], [("flag", 1), ("n", -1)]])
async def test_sort_parity(backend, sort):
    in_sql = [doc["_id"] for doc in await backend.find_many("docs", None, sort=sort)]
    in_python = [doc["_id"] for doc in sort_documents(DOCS, sort)]
    assert in_sql == in_python
