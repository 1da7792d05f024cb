"""The transition endpoint with a machine that keeps its state itself (PyJolt's model)."""

from __future__ import annotations

from typing import Any

import pytest
from order_machines import FLOW, MemoryMachine, OrderRequest, States, Steps

from surge import BaseConfig, Request, Surge
from surge.auth import Authentication
from surge.exceptions import ImproperlyConfigured
from surge.state_machine import StateMachine, StateMachineConfigError, step_method
from surge.testing import TestClient

URL = "/api/v1/state-machine/transition"


def build(machine: StateMachine, *extensions: Any, **section: Any) -> Surge:
    section.setdefault("USE_AUTH", False)
    section.setdefault("TRANSITION_DATA", OrderRequest)
    config = BaseConfig(DEBUG=False, OPEN_API_IN_PRODUCTION=True, SECRET_KEY="s" * 40, STATE_MACHINE=section)
    app = Surge(configs=config)
    for extension in extensions:
        app.add_extension(extension)
    app.add_extension(machine)
    return app


async def test_a_step_moves_the_order_and_answers_a_summary() -> None:
    machine = MemoryMachine()
    machine.orders[7] = States.PENDING
    async with TestClient(build(machine)) as client:
        res = await client.post(URL, json={"step": "PAY", "order_id": 7, "data": {"card": "visa"}})
    assert res.status_code == 200
    assert res.json() == {
        "status": "success",
        "message": "PAY: PENDING -> PAID",
        "data": {"step": "PAY", "from_state": "PENDING", "to_state": "PAID"},
    }
    assert machine.orders[7] is States.PAID
    transition_request, context, next_state = machine.calls[0]
    assert transition_request == {
        "step": Steps.PAY,
        "data": {"card": "visa"},
        "order_id": 7,
        "current_state": States.PENDING,
    }
    assert context == {"order_id": 7}
    assert next_state is States.PAID


async def test_the_step_methods_response_is_the_answer() -> None:
    machine = MemoryMachine()
    machine.orders[1] = States.PAID
    async with TestClient(build(machine)) as client:
        res = await client.post(URL, json={"step": "SHIP", "order_id": 1})
    assert res.status_code == 200
    assert res.json() == {"shipped": 1, "state": "shipped"}


async def test_a_step_not_allowed_from_the_current_state_is_409_with_the_allowed_steps() -> None:
    machine = MemoryMachine()
    machine.orders[1] = States.PENDING
    async with TestClient(build(machine)) as client:
        res = await client.post(URL, json={"step": "SHIP", "order_id": 1})
        done = await client.post(URL, json={"step": "PAY", "order_id": 1})
        machine.orders[2] = States.SHIPPED
        final = await client.post(URL, json={"step": "CANCEL", "order_id": 2})
    assert res.status_code == 409
    assert res.json() == {
        "status": "error",
        "message": "Step SHIP is not allowed from state PENDING",
        "data": {"step": "SHIP", "current_state": "PENDING", "allowed_steps": ["PAY", "CANCEL"]},
    }
    assert machine.orders[2] is States.SHIPPED and done.status_code == 200
    assert final.status_code == 409
    assert final.json()["data"] == {"step": "CANCEL", "current_state": "SHIPPED", "allowed_steps": []}
    assert [call[0]["step"] for call in machine.calls] == [Steps.PAY]


async def test_an_unknown_step_is_409_listing_the_steps() -> None:
    machine = MemoryMachine()
    machine.orders[1] = States.PENDING
    async with TestClient(build(machine)) as client:
        res = await client.post(URL, json={"step": "REFUND", "order_id": 1})
        by_value = await client.post(URL, json={"step": "pay", "order_id": 1})
    assert res.status_code == 409
    assert res.json() == {
        "status": "error",
        "message": "Step 'REFUND' does not exist",
        "data": {"step": "REFUND", "allowed_steps": ["PAY", "SHIP", "CANCEL"]},
    }
    assert by_value.status_code == 409  # steps are named by member name, as PyJolt does
    assert machine.orders[1] is States.PENDING and machine.calls == []


@pytest.mark.parametrize(
    ("body", "status", "where"),
    [
        ({"order_id": 1}, 422, ["body", "step"]),
        ({"step": "PAY"}, 422, ["body", "order_id"]),
        ({"step": 3, "order_id": 1}, 422, ["body", "step"]),
        ({"step": "PAY", "order_id": 1, "data": [1]}, 422, ["body", "data"]),
    ],
)
async def test_a_malformed_request_is_422_naming_the_field(body: dict[str, Any], status: int, where: list[str]) -> None:
    machine = MemoryMachine()
    machine.orders[1] = States.PENDING
    async with TestClient(build(machine)) as client:
        res = await client.post(URL, json=body)
    assert res.status_code == status
    assert [error["loc"] for error in res.json()["errors"]] == [where]
    assert machine.orders[1] is States.PENDING


async def test_a_body_that_is_not_json_is_400() -> None:
    machine = MemoryMachine()
    async with TestClient(build(machine)) as client:
        res = await client.post(URL, content=b"{not json", headers={"content-type": "application/json"})
    assert res.status_code == 400
    assert res.json()["status"] == "error"


async def test_has_permission_false_is_403_and_nothing_moves() -> None:
    machine = MemoryMachine()
    machine.orders[1] = States.PENDING
    machine.allow = False
    async with TestClient(build(machine)) as client:
        res = await client.post(URL, json={"step": "PAY", "order_id": 1})
    assert res.status_code == 403
    assert res.json() == {"status": "error", "message": "Not allowed to change the state"}
    assert machine.orders[1] is States.PENDING


async def test_api_url_moves_the_endpoint() -> None:
    machine = MemoryMachine()
    machine.orders[1] = States.PENDING
    async with TestClient(build(machine, API_URL="/orders/flow")) as client:
        moved = await client.post("/orders/flow/transition", json={"step": "PAY", "order_id": 1})
        old = await client.post(URL, json={"step": "PAY", "order_id": 1})
    assert moved.status_code == 200 and old.status_code == 404


async def test_the_endpoint_is_in_the_openapi_document_with_the_step_names() -> None:
    async with TestClient(build(MemoryMachine())) as client:
        document = (await client.get("/openapi/specs.json")).json()
    operation = document["paths"][URL]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    body = document["components"]["schemas"][ref]
    assert body["properties"]["step"]["enum"] == ["PAY", "SHIP", "CANCEL"]
    assert set(body["required"]) == {"step", "order_id"}
    assert {"200", "403", "409", "422"} <= set(operation["responses"])
    result = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert result.endswith("/TransitionResult")


async def test_include_open_api_false_leaves_it_out() -> None:
    machine = MemoryMachine()
    machine.orders[1] = States.PENDING
    async with TestClient(build(machine, INCLUDE_OPEN_API=False)) as client:
        document = (await client.get("/openapi/specs.json")).json()
        res = await client.post(URL, json={"step": "PAY", "order_id": 1})
    assert URL not in document.get("paths", {})
    assert res.status_code == 200


class HeaderAuth(Authentication):
    """A user named by the X-User header."""

    async def user_loader(self, req: Request) -> Any:
        name = req.headers.get("x-user")
        return {"id": name} if name else None


async def test_use_auth_requires_a_logged_in_user() -> None:
    machine = MemoryMachine()
    machine.orders[1] = States.PENDING
    async with TestClient(build(machine, HeaderAuth(), USE_AUTH=True)) as client:
        anonymous = await client.post(URL, json={"step": "PAY", "order_id": 1})
        logged_in = await client.post(URL, json={"step": "PAY", "order_id": 1}, headers={"X-User": "ann"})
        document = (await client.get("/openapi/specs.json")).json()
    assert anonymous.status_code == 401
    assert logged_in.status_code == 200
    assert document["paths"][URL]["post"].get("security")


def test_a_missing_step_method_fails_at_startup_naming_the_step() -> None:
    class Partial(StateMachine):
        async def context_loader(self, req: Request, transition_request: dict[str, Any]) -> Any:
            return States.PENDING, None

        @step_method(Steps.PAY, Steps.CANCEL)
        async def pay(self, *args: Any) -> None:
            return None

    with pytest.raises(StateMachineConfigError, match="no @step_method for step\\(s\\) SHIP"):
        build(Partial(Steps, States, FLOW))


def test_two_methods_for_one_step_fail_at_startup() -> None:
    class Twice(MemoryMachine):
        @step_method(Steps.SHIP)
        async def ship_again(self, *args: Any) -> None:
            return None

    with pytest.raises(StateMachineConfigError, match="two methods for step SHIP: ship and ship_again"):
        build(Twice())


def test_a_machine_without_context_loader_or_model_fails_at_startup() -> None:
    class NoLoader(StateMachine):
        @step_method(*Steps)
        async def any_step(self, *args: Any) -> None:
            return None

    with pytest.raises(StateMachineConfigError, match="context_loader.*STATE_MACHINE.MODEL"):
        build(NoLoader(Steps, States, FLOW))


def test_a_map_with_foreign_members_fails_at_startup() -> None:
    class BadMap(MemoryMachine):
        def __init__(self, flow: Any) -> None:
            StateMachine.__init__(self, Steps, States, flow)

    with pytest.raises(StateMachineConfigError, match="States.PAID: 'paid'> \\(from PENDING\\) is not a Steps"):
        build(BadMap({States.PENDING: {States.PAID: States.PAID}}))
    with pytest.raises(StateMachineConfigError, match="PENDING --PAY--> 'paid' is not a States"):
        build(BadMap({States.PENDING: {Steps.PAY: "paid"}}))


def test_step_method_refuses_non_members() -> None:
    with pytest.raises(TypeError, match="members of the steps enum"):
        step_method("PAY")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ({"API_URL": "no-slash"}, "STATE_MACHINE.API_URL"),
        ({"USE_AUTHS": True}, "STATE_MACHINE.USE_AUTHS"),
        ({"TRANSITION_DATA": "order_machines:Nowhere"}, "STATE_MACHINE.TRANSITION_DATA"),
        ({"TRANSITION_DATA": "order_machines:Order"}, "STATE_MACHINE.TRANSITION_DATA"),
    ],
)
def test_a_bad_config_key_fails_at_startup_naming_it(section: dict[str, Any], key: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=key.replace(".", "\\.")):
        build(MemoryMachine(), **section)


async def test_transition_data_by_import_path_and_a_renamed_section() -> None:
    machine = MemoryMachine(configs_name="ORDER_FLOW")
    machine.orders[3] = States.PENDING
    config = BaseConfig(DEBUG=False, ORDER_FLOW={"USE_AUTH": False, "TRANSITION_DATA": "order_machines:OrderRequest"})
    app = Surge(configs=config)
    app.add_extension(machine)
    async with TestClient(app) as client:
        res = await client.post(URL, json={"step": "PAY", "order_id": "3"})
    assert res.status_code == 200
    assert machine.orders[3] is States.PAID
    assert app.extensions["order_flow"] is machine


async def test_two_machines_of_one_class_serve_side_by_side() -> None:
    first, second = MemoryMachine(), MemoryMachine(configs_name="RETURNS")
    first.orders[1] = States.PENDING
    second.orders[1] = States.PAID
    config = BaseConfig(
        DEBUG=False,
        OPEN_API_IN_PRODUCTION=True,
        STATE_MACHINE={"USE_AUTH": False, "TRANSITION_DATA": OrderRequest},
        RETURNS={"USE_AUTH": False, "TRANSITION_DATA": OrderRequest, "API_URL": "/returns"},
    )
    app = Surge(configs=config)
    app.add_extension(first)
    app.add_extension(second)
    async with TestClient(app) as client:
        paid = await client.post(URL, json={"step": "PAY", "order_id": 1})
        shipped = await client.post("/returns/transition", json={"step": "SHIP", "order_id": 1})
        document = (await client.get("/openapi/specs.json")).json()
    assert paid.status_code == 200 and shipped.status_code == 200
    assert first.orders[1] is States.PAID and second.orders[1] is States.SHIPPED
    assert {URL, "/returns/transition"} <= set(document["paths"])
