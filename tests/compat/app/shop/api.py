"""HTTP API of the shop: login, items CRUD, orders and reports."""

from typing import Optional

from pydantic import BaseModel, Field
from pyjolt import HttpStatus, MediaType, Request, Response, abort
from pyjolt.auth import AuthUtils, login_required, role_required
from pyjolt.controller import Controller, consumes, delete, get, path, post, produces, put
from pyjolt.database.sql import AsyncSession

from shop.authentication import COOKIE_NAME
from shop.exceptions import OutOfStock
from shop.extensions import audit_db, db
from shop.models import AuditEntry, Item, User
from shop.scheduler import record_sold_out, scheduler, send_order_email


class LoginIn(BaseModel):
    name: str
    password: str = Field(min_length=4)


class ItemIn(BaseModel):
    name: str = Field(min_length=1, max_length=80)
    price: int = Field(ge=0)
    stock: int = Field(0, ge=0)


class ItemOut(BaseModel):
    id: int
    name: str
    price: int
    stock: int
    owner: str

    @classmethod
    def from_model(cls, item: Item, owner: str) -> "ItemOut":
        return cls(id=item.id, name=item.name, price=item.price, stock=item.stock, owner=owner)


class OrderIn(BaseModel):
    quantity: int = Field(ge=1)


class Message(BaseModel):
    message: str


@path("/api/v1/auth")
class AuthApi(Controller):
    """Login, logout and the current user."""

    @post("/login")
    @consumes(MediaType.APPLICATION_JSON)
    @produces(MediaType.APPLICATION_JSON)
    @db.readonly_session
    async def login(self, req: Request, data: LoginIn, session: AsyncSession) -> Response[Message]:
        user: Optional[User] = await User.query(session).filter_by(name=data.name).first()
        if user is None or not AuthUtils.check_password_hash(data.password, user.password_hash):
            abort("Wrong user name or password", HttpStatus.UNAUTHORIZED)
        signed = AuthUtils.create_signed_cookie_value(user.id, self.app.get_conf("SECRET_KEY"))
        return (req.response.json({"message": f"Welcome {user.name}"})
                .set_cookie(COOKIE_NAME, signed, max_age=3600))

    @post("/logout")
    @produces(MediaType.APPLICATION_JSON)
    async def logout(self, req: Request) -> Response[Message]:
        return req.response.json({"message": "Bye"}).delete_cookie(COOKIE_NAME)

    @get("/me")
    @produces(MediaType.APPLICATION_JSON)
    @login_required
    async def me(self, req: Request) -> Response:
        user: User = req.user
        return req.response.json({"id": user.id, "name": user.name, "role": user.role})


@path("/api/v1/items")
class ItemsApi(Controller):
    """Items: anyone may read, logged-in users write, admins delete."""

    @get("/")
    @produces(MediaType.APPLICATION_JSON)
    @db.readonly_session
    async def list_items(self, req: Request, session: AsyncSession) -> Response:
        query = Item.query(session)
        max_price = req.query_params.get("max_price")
        if max_price is not None:
            if not max_price.isdigit():
                abort("max_price must be a whole number", HttpStatus.BAD_REQUEST)
            query = query.filter(Item.price <= int(max_price))
        name = req.query_params.get("q")
        if name:
            query = query.ilike(Item.name, f"%{name}%")
        items = await query.order_by(Item.id).all()
        owners = {u.id: u.name for u in await User.query(session).all()}
        return req.response.json({
            "count": len(items),
            "items": [ItemOut.from_model(i, owners[i.owner_id]).model_dump() for i in items],
        })

    @get("/<int:item_id>")
    @produces(MediaType.APPLICATION_JSON)
    @db.readonly_session
    async def get_item(self, req: Request, item_id: int, session: AsyncSession) -> Response[ItemOut]:
        item = await self._find(session, item_id)
        owner = await User.query(session).filter_by(id=item.owner_id).first()
        return req.response.json(ItemOut.from_model(item, owner.name))

    @post("/")
    @consumes(MediaType.APPLICATION_JSON)
    @produces(MediaType.APPLICATION_JSON, status_code=HttpStatus.CREATED)
    @login_required
    @db.managed_session
    async def create_item(self, req: Request, data: ItemIn, session: AsyncSession) -> Response[ItemOut]:
        item = Item(name=data.name, price=data.price, stock=data.stock, owner_id=req.user.id)
        session.add(item)
        await session.flush()
        return req.response.json(ItemOut.from_model(item, req.user.name).model_dump())

    @put("/<int:item_id>")
    @consumes(MediaType.APPLICATION_JSON)
    @produces(MediaType.APPLICATION_JSON)
    @login_required
    @db.managed_session
    async def update_item(self, req: Request, item_id: int, data: ItemIn,
                          session: AsyncSession) -> Response[ItemOut]:
        item = await self._find(session, item_id)
        if item.owner_id != req.user.id:
            abort("Only the owner may change an item", HttpStatus.FORBIDDEN)
        item.name, item.price, item.stock = data.name, data.price, data.stock
        return req.response.json(ItemOut.from_model(item, req.user.name).model_dump())

    @delete("/<int:item_id>")
    @role_required("admin")
    @login_required
    @db.managed_session
    async def delete_item(self, req: Request, item_id: int, session: AsyncSession) -> Response:
        item = await self._find(session, item_id)
        await session.delete(item)
        return req.response.no_content()

    @post("/<int:item_id>/orders")
    @consumes(MediaType.APPLICATION_JSON)
    @produces(MediaType.APPLICATION_JSON, status_code=HttpStatus.ACCEPTED)
    @login_required
    @db.managed_session
    async def order_item(self, req: Request, item_id: int, data: OrderIn,
                         session: AsyncSession) -> Response:
        item = await self._find(session, item_id)
        if data.quantity > item.stock:
            raise OutOfStock(item_id, item.stock)
        item.stock -= data.quantity
        scheduler.run_background_task(send_order_email, req.user.email, item.name, data.quantity)
        return req.response.json({"item": item.id, "quantity": data.quantity, "stock_left": item.stock})

    async def _find(self, session: AsyncSession, item_id: int) -> Item:
        item: Optional[Item] = await Item.query(session).filter_by(id=item_id).first()
        if item is None:
            abort(f"Item {item_id} not found", HttpStatus.NOT_FOUND, data={"id": item_id})
        return item


@path("/api/v1/reports")
class ReportsApi(Controller):
    """Admin reports over the audit database."""

    @post("/stock-check")
    @produces(MediaType.APPLICATION_JSON)
    @role_required("admin")
    @login_required
    async def run_stock_check(self, req: Request) -> Response:
        sold_out = await record_sold_out()
        job = scheduler.get_job("stock_check")
        return req.response.json({"sold_out": sold_out,
                                  "scheduled": job is not None and job.id == "stock_check"})

    @get("/audit")
    @produces(MediaType.APPLICATION_JSON)
    @login_required
    @audit_db.readonly_session
    async def audit(self, req: Request, audit_session: AsyncSession) -> Response:
        query = AuditEntry.query(audit_session)
        kind = req.query_params.get("kind")
        if kind:
            query = query.filter_by(kind=kind)
        entries = await query.order_by(AuditEntry.id).all()
        return req.response.json([{"kind": e.kind, "detail": e.detail} for e in entries])
