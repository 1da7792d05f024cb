"""The demo's state machine: an order moves pending -> paid -> shipped (docs/state_machine.md).

The state is kept on ``Order.state`` (STATE_MACHINE.MODEL), so two clients paying the same
order at once cannot both succeed: one gets 200, the other 409 with the steps allowed now.
Every transition is logged in the ``order_transitions`` table (who, when, from, to, step).
"""

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import Field
from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from surge import Request
from surge.exceptions import Forbidden
from surge.state_machine import StateMachine, TransitionRequestData, step_method

from app.authentication import UserRoles
from app.database import Base


class OrderStep(StrEnum):
    PAY = "pay"
    SHIP = "ship"


class OrderState(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    SHIPPED = "shipped"


class Order(Base):
    """An order of the demo shop."""

    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    item: Mapped[str] = mapped_column(String(100))
    quantity: Mapped[int]
    state: Mapped[str] = mapped_column(String(20), default=OrderState.PENDING.value)
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    shipped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class OrderTransition(TransitionRequestData):
    """``{"step": "PAY", "id": 1}``: the step and the order it moves."""

    id: int = Field(ge=1, le=2**31 - 1, description="The order's id")


class OrderFlow(StateMachine):
    """Any logged-in user may pay an order; only an admin ships it."""

    @step_method(OrderStep.PAY)
    async def pay(self, req: Request, transition_request: dict[str, Any], order: Order, next_state: OrderState) -> None:
        order.paid_at = datetime.now(UTC)  # saved with the new state, in the same transaction

    @step_method(OrderStep.SHIP)
    async def ship(self, req: Request, transition_request: dict[str, Any], order: Order, next_state: OrderState) -> None:
        if UserRoles.ADMIN not in req.user.roles:
            raise Forbidden("Only an admin ships orders")  # the transaction rolls back: still PAID
        order.shipped_at = datetime.now(UTC)


order_flow = OrderFlow(
    OrderStep,
    OrderState,
    {
        OrderState.PENDING: {OrderStep.PAY: OrderState.PAID},
        OrderState.PAID: {OrderStep.SHIP: OrderState.SHIPPED},
    },
)
