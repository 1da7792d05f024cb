"""Order state machines shared by the state machine tests: in memory, and kept on a model column."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from surge import Request, Response
from surge.database.sql import create_declarative_base
from surge.exceptions import BadRequest
from surge.state_machine import StateMachine, TransitionRequestData, step_method


class Steps(StrEnum):
    PAY = "pay"
    SHIP = "ship"
    CANCEL = "cancel"


class States(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


FLOW = {
    States.PENDING: {Steps.PAY: States.PAID, Steps.CANCEL: States.CANCELLED},
    States.PAID: {Steps.SHIP: States.SHIPPED, Steps.CANCEL: States.CANCELLED},
}

Base = create_declarative_base("db")


class Order(Base):
    """An order whose ``state`` column the machine moves."""

    __tablename__ = "sm_orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(20), default=States.PENDING.value)
    note: Mapped[str] = mapped_column(String(100), default="")


class OrderRequest(TransitionRequestData):
    """The transition request of the in-memory machine: which order."""

    order_id: int


class MemoryMachine(StateMachine):
    """Orders kept in a dict; records what each step method received."""

    def __init__(self, **options: Any) -> None:
        super().__init__(Steps, States, FLOW, **options)
        self.orders: dict[int, States] = {}
        self.calls: list[tuple[dict[str, Any], Any, States]] = []
        self.allow = True

    async def has_permission(self, req: Request) -> bool:
        return self.allow

    async def context_loader(self, req: Request, transition_request: dict[str, Any]) -> tuple[States, Any]:
        order_id = transition_request["order_id"]
        if order_id not in self.orders:
            raise BadRequest(f"no order {order_id}")
        return self.orders[order_id], {"order_id": order_id}

    @step_method(Steps.PAY, Steps.CANCEL)
    async def pay_or_cancel(self, req: Request, transition_request: dict[str, Any], context: Any, next_state: States) -> Response | None:
        self.calls.append((dict(transition_request), context, next_state))
        self.orders[context["order_id"]] = next_state
        return None

    @step_method(Steps.SHIP)
    async def ship(self, req: Request, transition_request: dict[str, Any], context: Any, next_state: States) -> Response:
        self.calls.append((dict(transition_request), context, next_state))
        self.orders[context["order_id"]] = next_state
        return req.response.json({"shipped": context["order_id"], "state": next_state.value}).status(200)


class OrderMachine(StateMachine):
    """Orders on the ``sm_orders`` table (MODEL); the SHIP step refuses orders noted "hold"."""

    def __init__(self, **options: Any) -> None:
        super().__init__(Steps, States, FLOW, **options)
        self.payments = 0

    @step_method(Steps.PAY)
    async def pay(self, req: Request, transition_request: dict[str, Any], context: Order, next_state: States) -> None:
        self.payments += 1
        context.note = "paid by request"

    @step_method(Steps.SHIP)
    async def ship(self, req: Request, transition_request: dict[str, Any], context: Order, next_state: States) -> Response | None:
        if context.note == "hold":
            return req.response.json({"status": "error", "message": "on hold"}).status(422)
        return None

    @step_method(Steps.CANCEL)
    async def cancel(self, req: Request, transition_request: dict[str, Any], context: Order, next_state: States) -> None:
        raise RuntimeError("cancel fails after the state moved")
