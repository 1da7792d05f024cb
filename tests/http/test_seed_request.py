"""The seed README's Request object: its attributes as a handler sees them.

The seed's own code (``pyjolt`` -> ``surge``), checked by what a client sees; the shared seed
application is in ``seed_app``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from surge.testing import TestClient

from seed_app import ObjectsApi, UsersApi
from surge_testkit import make_app


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
