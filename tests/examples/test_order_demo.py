"""The demo app's order state machine: pending -> paid -> shipped, through its transition endpoint."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
from collections import Counter
from pathlib import Path

import pytest

from surge.testing import TestClient

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo"
FLOW = "/api/orders/flow/transition"


@pytest.fixture
async def demo(tmp_path, monkeypatch):
    database = tmp_path / "demo.db"
    monkeypatch.syspath_prepend(str(DEMO))
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setenv(
        "SQL_DATABASE", json.dumps({"DATABASE_URI": f"sqlite+aiosqlite:///{database}", "CREATE_ALL": True})
    )
    for name in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        monkeypatch.delitem(sys.modules, name)
    from app import Application

    async with TestClient(Application()) as client:
        tokens = {}
        for user in ("ann", "bob"):
            res = await client.post("/api/auth/token", json={"username": user, "password": f"{user}-demo-password"})
            tokens[user] = {"Authorization": f"Bearer {res.json()['access_token']}"}
        yield client, tokens, database


async def test_an_order_moves_pending_paid_shipped(demo):
    client, tokens, database = demo
    assert (await client.post("/api/orders", json={"item": "mug", "quantity": 2})).status_code == 401
    created = await client.post("/api/orders", json={"item": "mug", "quantity": 2}, headers=tokens["bob"])
    assert created.status_code == 201
    order = created.json()
    assert order["state"] == "pending" and order["paid_at"] is None
    order_id = order["id"]

    assert (await client.post(FLOW, json={"step": "PAY", "id": order_id})).status_code == 401
    early = await client.post(FLOW, json={"step": "SHIP", "id": order_id}, headers=tokens["ann"])
    assert early.status_code == 409
    assert early.json()["data"] == {"step": "SHIP", "current_state": "PENDING", "allowed_steps": ["PAY"]}

    paid = await client.post(FLOW, json={"step": "PAY", "id": order_id}, headers=tokens["bob"])
    assert paid.status_code == 200
    assert paid.json()["data"] == {"step": "PAY", "from_state": "PENDING", "to_state": "PAID"}
    again = await client.post(FLOW, json={"step": "PAY", "id": order_id}, headers=tokens["bob"])
    assert again.status_code == 409 and again.json()["data"]["allowed_steps"] == ["SHIP"]

    refused = await client.post(FLOW, json={"step": "SHIP", "id": order_id}, headers=tokens["bob"])
    assert refused.status_code == 403
    assert refused.json()["message"] == "Only an admin ships orders"
    assert (await client.get(f"/api/orders/{order_id}", headers=tokens["bob"])).json()["state"] == "paid"

    shipped = await client.post(FLOW, json={"step": "SHIP", "id": order_id}, headers=tokens["ann"])
    assert shipped.status_code == 200
    final = (await client.get(f"/api/orders/{order_id}", headers=tokens["bob"])).json()
    assert final["state"] == "shipped" and final["paid_at"] and final["shipped_at"]

    missing = await client.post(FLOW, json={"step": "PAY", "id": 999}, headers=tokens["bob"])
    assert missing.status_code == 404
    with sqlite3.connect(database) as conn:
        rows = conn.execute("SELECT entity_id, step, from_state, to_state, actor FROM order_transitions ORDER BY id").fetchall()
    assert rows == [(str(order_id), "PAY", "PENDING", "PAID", "2"), (str(order_id), "SHIP", "PAID", "SHIPPED", "1")]


async def test_concurrent_payments_of_one_order_have_one_winner(demo):
    client, tokens, _ = demo
    order_id = (await client.post("/api/orders", json={"item": "lamp", "quantity": 1}, headers=tokens["bob"])).json()["id"]
    answers = await asyncio.gather(
        *(client.post(FLOW, json={"step": "PAY", "id": order_id}, headers=tokens["bob"]) for _ in range(20))
    )
    assert Counter(res.status_code for res in answers) == {200: 1, 409: 19}
    assert (await client.get(f"/api/orders/{order_id}", headers=tokens["bob"])).json()["state"] == "paid"
