"""The demo's orders API: create and read orders; their steps go through the state machine's
endpoint, POST /api/orders/flow/transition (app/orders.py)."""

from datetime import datetime
from typing import Annotated, Optional

from pydantic import BaseModel, ConfigDict, Field

from surge import HttpStatus, Request
from surge.auth import login_required
from surge.controller import Controller, Descriptor, get, open_api_docs, path, post
from surge.database import AsyncSession
from surge.exceptions import NotFound

from app.database import db
from app.orders import Order


class OrderIn(BaseModel):
    item: str = Field(min_length=1, max_length=100)
    quantity: int = Field(ge=1, le=1000)


class OrderOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    item: str
    quantity: int
    state: str = Field(description="pending, paid or shipped")
    paid_at: Optional[datetime]
    shipped_at: Optional[datetime]


@path("/api/orders", tags=["Orders"])
@login_required
class OrdersApi(Controller):
    @post("/", status_code=HttpStatus.CREATED)
    @db.managed_session
    async def create(self, req: Request, order: OrderIn, session: AsyncSession) -> OrderOut:
        """Place an order (it starts PENDING)."""
        placed = Order(item=order.item, quantity=order.quantity)
        session.add(placed)
        await session.flush()
        return OrderOut.model_validate(placed)

    @get("/<int:order_id>")
    @open_api_docs(Descriptor(status=HttpStatus.NOT_FOUND, description="No such order"))
    @db.readonly_session
    async def read(self, req: Request, order_id: Annotated[int, Field(ge=1, le=2**31 - 1)], session: AsyncSession) -> OrderOut:
        """One order, with its state."""
        order = await session.get(Order, order_id)
        if order is None:
            raise NotFound(f"No order {order_id}")
        return OrderOut.model_validate(order)
