"""A machine whose state lives on a model column: one winner among concurrent transitions, history rows."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest
from order_machines import Base, Order, OrderMachine, States
from sqlalchemy import Enum as SqlEnum
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from surge import BaseConfig, Request, Surge
from surge.auth import Authentication
from surge.database.sql import SqlDatabase
from surge.state_machine import StateMachineConfigError
from surge.testing import TestClient

from sql_targets import SqlTarget

URL = "/api/v1/state-machine/transition"


class UnlockedOrderMachine(OrderMachine):
    """Reads the order in a session of its own, without a lock: only the compare-and-set guards it.

    (Its order is detached: what the step method changes on it is not saved.)
    """

    async def context_loader(self, req: Request, transition_request: dict[str, Any]) -> tuple[States, Any]:
        db = self.app.extensions["sql_database"]
        async with db.create_session() as session:
            order = await session.get(Order, transition_request["data"]["id"])
        await asyncio.sleep(0.05)  # every request has read "pending" before any writes
        return States(order.state), order


class TicketState(Base):
    """A model whose state column is an sqlalchemy Enum of the states."""

    __tablename__ = "sm_tickets"
    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    status: Mapped[States] = mapped_column(SqlEnum(States, name="sm_ticket_state"), default=States.PENDING)


class HeaderAuth(Authentication):
    """A user named by the X-User header."""

    async def user_loader(self, req: Request) -> Any:
        name = req.headers.get("x-user")
        return {"id": name} if name else None


def build(target: SqlTarget, machine: Any, *extensions: Any, models: tuple[type, ...] = (Order,), **section: Any) -> Surge:
    section.setdefault("USE_AUTH", False)
    section.setdefault("MODEL", Order)
    config = BaseConfig(
        DEBUG=False,
        SECRET_KEY="s" * 40,
        SQL_DATABASE=target.section(CREATE_ALL=True),
        STATE_MACHINE=section,
    )
    app = Surge(configs=config)
    app.models.extend(models)
    app.add_extension(SqlDatabase())
    for extension in extensions:
        app.add_extension(extension)
    app.add_extension(machine)
    return app


async def seed(target: SqlTarget, *rows: tuple[int, str, str]) -> None:
    values = ", ".join(f"({id_}, '{state}', '{note}')" for id_, state, note in rows)
    await target.execute(f"INSERT INTO sm_orders (id, state, note) VALUES {values}")


@pytest.mark.parametrize("machine_class", [OrderMachine, UnlockedOrderMachine], ids=["for-update", "compare-and-set"])
async def test_of_20_concurrent_transitions_exactly_one_wins(sql_target: SqlTarget, machine_class: type) -> None:
    machine = machine_class()
    app = build(sql_target, machine, HISTORY=True)
    async with TestClient(app) as client:
        await seed(sql_target, (1, "pending", ""))
        answers = await asyncio.gather(*(client.post(URL, json={"step": "PAY", "data": {"id": 1}}) for _ in range(20)))
    assert Counter(res.status_code for res in answers) == {200: 1, 409: 19}
    assert machine.payments == 1  # the step method ran for the winner only
    winner = next(res for res in answers if res.status_code == 200)
    assert winner.json()["data"] == {"step": "PAY", "from_state": "PENDING", "to_state": "PAID"}
    for loser in (res for res in answers if res.status_code == 409):
        assert loser.json()["data"] == {"step": "PAY", "current_state": "PAID", "allowed_steps": ["SHIP", "CANCEL"]}
    assert await sql_target.fetch("SELECT id, state FROM sm_orders") == [(1, "paid")]
    history = await sql_target.fetch("SELECT entity_id, step, from_state, to_state FROM state_machine_transitions")
    assert history == [("1", "PAY", "PENDING", "PAID")]


async def test_history_records_who_when_from_to_and_step(sql_target: SqlTarget) -> None:
    app = build(sql_target, OrderMachine(), HeaderAuth(), USE_AUTH=True, HISTORY=True, HISTORY_TABLE="order_log")
    async with TestClient(app) as client:
        await seed(sql_target, (5, "pending", ""))
        paid = await client.post(URL, json={"step": "PAY", "data": {"id": 5}}, headers={"X-User": "ann"})
        shipped = await client.post(URL, json={"step": "SHIP", "data": {"id": "5"}}, headers={"X-User": "bob"})
    assert paid.status_code == 200 and shipped.status_code == 200
    rows = await sql_target.fetch("SELECT machine, entity_id, step, from_state, to_state, actor, created_at FROM order_log ORDER BY id")
    assert [row[:6] for row in rows] == [
        ("STATE_MACHINE", "5", "PAY", "PENDING", "PAID", "ann"),
        ("STATE_MACHINE", "5", "SHIP", "PAID", "SHIPPED", "bob"),
    ]
    assert all(row[6] is not None for row in rows)
    assert await sql_target.fetch("SELECT state FROM sm_orders") == [("shipped",)]


async def test_the_step_method_writes_in_the_transitions_transaction(sql_target: SqlTarget) -> None:
    async with TestClient(build(sql_target, OrderMachine())) as client:
        await seed(sql_target, (1, "pending", ""))
        res = await client.post(URL, json={"step": "PAY", "data": {"id": 1}})
    assert res.status_code == 200
    assert await sql_target.fetch("SELECT id, state, note FROM sm_orders") == [(1, "paid", "paid by request")]
    assert "state_machine_transitions" not in await sql_target.tables()


async def test_a_step_answering_an_error_or_raising_leaves_the_state(sql_target: SqlTarget) -> None:
    async with TestClient(build(sql_target, OrderMachine(), HISTORY=True)) as client:
        await seed(sql_target, (1, "paid", "hold"), (2, "paid", ""))
        held = await client.post(URL, json={"step": "SHIP", "data": {"id": 1}})
        failed = await client.post(URL, json={"step": "CANCEL", "data": {"id": 2}})
    assert held.status_code == 422 and held.json() == {"status": "error", "message": "on hold"}
    assert failed.status_code == 500
    assert await sql_target.fetch("SELECT id, state FROM sm_orders ORDER BY id") == [(1, "paid"), (2, "paid")]
    assert await sql_target.fetch("SELECT count(*) FROM state_machine_transitions") == [(0,)]


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"id": 99}, 404, "No Order with id 99"),
        ({}, 400, "The entity id is missing"),
        ({"id": "abc"}, 400, "The entity id must be an integer, got 'abc'"),
        ({"id": True}, 400, "The entity id must be an integer, got True"),
    ],
)
async def test_a_missing_or_unknown_entity_is_a_4xx(sql_target: SqlTarget, data: dict[str, Any], status: int, message: str) -> None:
    async with TestClient(build(sql_target, OrderMachine())) as client:
        await seed(sql_target, (1, "pending", ""))
        res = await client.post(URL, json={"step": "PAY", "data": data})
    assert res.status_code == status
    assert res.json()["message"] == message
    assert await sql_target.fetch("SELECT state FROM sm_orders") == [("pending",)]


async def test_an_enum_column_and_a_string_key(sql_target: SqlTarget) -> None:
    app = build(sql_target, OrderMachine(), models=(Order, TicketState), MODEL=TicketState, STATE_COLUMN="status", ID_FIELD="code")
    async with TestClient(app) as client:
        await sql_target.execute("INSERT INTO sm_tickets (code, status) VALUES ('T-1', 'PENDING')")
        paid = await client.post(URL, json={"step": "PAY", "data": {"code": "T-1"}})
        again = await client.post(URL, json={"step": "PAY", "data": {"code": "T-1"}})
    assert paid.status_code == 200, paid.text
    assert again.status_code == 409
    assert await sql_target.fetch("SELECT code, status FROM sm_tickets") == [("T-1", "PAID")]


def test_model_without_a_database_fails_at_startup() -> None:
    app = Surge(configs=BaseConfig(DEBUG=False, STATE_MACHINE={"USE_AUTH": False, "MODEL": "order_machines:Order"}))
    with pytest.raises(StateMachineConfigError, match="STATE_MACHINE.DATABASE: a SqlDatabase must be listed"):
        app.add_extension(OrderMachine())


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"STATE_COLUMN": "status"}, "STATE_MACHINE.STATE_COLUMN: Order has no column 'status'"),
        ({"MODEL": dict}, "STATE_MACHINE.MODEL: <class 'dict'> is not a SQLAlchemy mapped class"),
        ({"DATABASE": "OTHER_DB"}, "STATE_MACHINE.DATABASE: the SqlDatabase of section 'OTHER_DB'"),
    ],
)
def test_a_wrong_model_setting_fails_at_startup_naming_it(tmp_path: Any, section: dict[str, Any], message: str) -> None:
    from sql_targets import sqlite_target

    with pytest.raises(StateMachineConfigError, match=message.replace("(", "\\(").replace(")", "\\)")):
        build(sqlite_target(tmp_path), OrderMachine(), **section)
