"""Models and a controller shared by the SQL endpoint tests (the seed's users example)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surge import HttpStatus, MediaType, Request, Response
from surge.controller import Controller, consumes, get, path, post, produces
from surge.database import AsyncSession, create_declerative_base
from surge.database.sql import SqlDatabase
from surge.exceptions import BadRequest, NotFound

Base = create_declerative_base("db")


class User(Base):
    """A user with a unique name and a required email."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    email: Mapped[str] = mapped_column(String(100), nullable=False)
    posts: Mapped[list[Post]] = relationship(back_populates="author", order_by="Post.id")


class Post(Base):
    """A post written by a user."""

    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(100))
    author: Mapped[User] = relationship(back_populates="posts")


class UserIn(BaseModel):
    name: str
    email: str | None = None


class UserOut(BaseModel):
    id: int
    name: str


class PostIn(BaseModel):
    user_id: int
    title: str


db = SqlDatabase(db_name="db", configs_name="SQL_DATABASE")


class Boom(Exception):
    """Raised by a handler after it wrote, to prove the write is rolled back."""


@path("/users")
class UsersApi(Controller):
    """The decorators are stacked in the orders the seeds show, and the other way round."""

    @post("/")
    @consumes(MediaType.APPLICATION_JSON)
    @produces(MediaType.APPLICATION_JSON)
    @db.managed_session
    async def create_user(self, req: Request, user_data: UserIn, session: AsyncSession) -> Response[UserOut]:
        """Creates a new user."""
        user = User(name=user_data.name, email=user_data.email)
        session.add(user)
        await session.flush()  # to get the new user's id
        return req.response.json(UserOut(id=user.id, name=user.name)).status(HttpStatus.CREATED)

    @db.managed_session
    @post("/posts")
    async def create_post(self, req: Request, data: PostIn, session: AsyncSession) -> dict[str, Any]:
        """Managed session written above the route decorator."""
        post_row = Post(user_id=data.user_id, title=data.title)
        session.add(post_row)
        await session.flush()
        return {"id": post_row.id}

    @post("/fail")
    @db.managed_session
    async def create_then_fail(self, req: Request, user_data: UserIn, session: AsyncSession) -> None:
        """Writes, flushes, then raises: nothing may remain."""
        session.add(User(name=user_data.name, email=user_data.email or "x@example.com"))
        await session.flush()
        raise Boom("failed after the insert")

    @post("/refuse")
    @db.managed_session
    async def create_then_refuse(self, req: Request, user_data: UserIn, session: AsyncSession) -> None:
        """Writes, then answers 400 by raising: nothing may remain."""
        session.add(User(name=user_data.name, email="x@example.com"))
        await session.flush()
        raise BadRequest("refused after the insert")

    @post("/soft-error")
    @db.managed_session
    async def soft_error(self, req: Request, user_data: UserIn, session: AsyncSession) -> Response:
        """Writes, then returns (not raises) a 400: the write is committed."""
        session.add(User(name=user_data.name, email="x@example.com"))
        return req.response.json({"status": "error"}).status(400)

    @get("/<int:user_id>")
    @produces(MediaType.APPLICATION_JSON)
    @db.readonly_session
    async def get_user(self, req: Request, user_id: int, session: AsyncSession) -> Response[UserOut]:
        """Returns a user by id."""
        user = await User.query(session).filter_by(id=user_id).first()
        if user is None:
            raise NotFound(f"No user {user_id}")
        return req.response.json(UserOut(id=user.id, name=user.name))

    @db.readonly_session
    @get("/<int:user_id>/one")
    async def get_one(self, req: Request, user_id: int) -> dict[str, Any]:
        """Uses the request's session implicitly (``User.query()``); one() finding nothing is a 404."""
        user = await User.query().filter_by(id=user_id).one()
        return {"id": user.id, "name": user.name}

    @get("/")
    @db.readonly_session
    async def list_users(
        self, req: Request, session: AsyncSession, page: int = 1, per_page: int = 10
    ) -> dict[str, Any]:
        """A page of users, newest last."""
        result = await User.query(session).order_by(User.id).paginate(page=page, per_page=per_page)
        result["items"] = [{"id": u.id, "name": u.name} for u in result["items"]]
        return result

    @post("/readonly-write")
    @db.readonly_session
    async def readonly_write(self, req: Request, user_data: UserIn, session: AsyncSession) -> dict[str, Any]:
        """Writes in a read-only session: the response is fine, the row never lands."""
        user = User(name=user_data.name, email="x@example.com")
        session.add(user)
        await session.flush()
        return {"flushed_id": user.id}

    @post("/readonly-commit")
    @db.readonly_session
    async def readonly_commit(
        self, req: Request, user_data: UserIn, session: AsyncSession, style: str = "commit"
    ) -> None:
        """Tries to commit in a read-only session, with commit() or a begin() block."""
        if style == "begin":
            async with session.begin():
                session.add(User(name=user_data.name, email="x@example.com"))
        else:
            session.add(User(name=user_data.name, email="x@example.com"))
            await session.commit()

    @get("/<int:user_id>/posts")
    @db.readonly_session
    async def user_posts(self, req: Request, user_id: int, session: AsyncSession) -> dict[str, Any]:
        """Lazy relationship loaded with awaitable_attrs inside the session."""
        user = await User.query(session).filter_by(id=user_id).one()
        posts = await user.awaitable_attrs.posts
        return {"titles": [p.title for p in posts]}

    @get("/manual")
    async def manual(self, req: Request) -> dict[str, Any]:
        """The seed's manual session handling."""
        session = db.create_session()
        users = await User.query(session).all()
        await session.close()  # must close the session
        return {"count": len(users)}
