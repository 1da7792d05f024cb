"""PyJolt's DeclarativeBaseModel: a real declarative base, with ``Meta`` read by its classmethods."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from surge import Request
from surge.controller import Controller, get, path, post
from surge.database.sql import AsyncSession, DeclarativeBaseModel, SqlDatabase, select
from surge.testing import TestClient

from sql_targets import sqlite_target


class ArticleIn(BaseModel):
    title: str


class Article(DeclarativeBaseModel):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(80))
    secret: Mapped[str] = mapped_column(String(80), default="")

    class Meta:
        exclude_from_table = ["secret"]
        custom_labels = {"title": "Headline"}
        form_fields_order = ["title"]
        create_validation_shema = ArticleIn


db = SqlDatabase()


@path("/articles")
class Articles(Controller):
    @post("/<title>")
    @db.managed_session
    async def create(self, req: Request, title: str, session: AsyncSession) -> dict[str, Any]:
        article = Article(title=title)
        session.add(article)
        await session.flush()
        return {"id": article.id}

    @get("/")
    @db.managed_session
    async def titles(self, req: Request, session: AsyncSession) -> list[str]:
        return list((await session.scalars(select(Article.title).order_by(Article.id))).all())

    @get("/count")
    @db.managed_session
    async def count(self, req: Request, session: AsyncSession) -> dict[str, int]:
        return {"count": await Article.query(session).count()}


async def test_a_model_creates_its_table_and_rows(make_app, tmp_path) -> None:
    target = sqlite_target(tmp_path)
    app = make_app(
        extensions=[db],
        models=[Article],
        controllers=[Articles],
        SQL_DATABASE=target.section(CREATE_ALL=True),
    )
    assert db.models == [Article]
    async with TestClient(app) as client:
        assert (await client.post("/articles/Hello")).json() == {"id": 1}
        assert (await client.get("/articles/")).json() == ["Hello"]
        assert (await client.get("/articles/count")).json() == {"count": 1}
    assert "articles" in await target.tables()
    assert await target.fetch("SELECT id, title FROM articles") == [(1, "Hello")]


def test_meta_is_read_with_defaults() -> None:
    assert Article.db_name() == "db" and Article.db_configs_name() == "SQL_DATABASE"
    assert Article.primary_key_names() == ["id"]
    assert Article.exclude_from_table() == ["secret"]
    assert Article.form_labels_map() == {"title": "Headline"}
    assert Article.form_fields_order() == ["title"]
    assert Article.create_validation_schema() is ArticleIn
    assert Article.update_validation_schema() is None
    assert Article.exclude_from_create_form() == [] and Article.order_table_by() is None


class Ledger(DeclarativeBaseModel):
    """A model of a second database that shares the one ``DeclarativeBaseModel`` base."""

    __tablename__ = "ledger"
    __db_name__ = "audit"

    id: Mapped[int] = mapped_column(primary_key=True)


async def test_two_databases_sharing_the_base_get_only_their_own_tables(make_app, tmp_path) -> None:
    main, audit = sqlite_target(tmp_path, "main.db"), sqlite_target(tmp_path, "audit.db")
    audit_db = SqlDatabase(db_name="audit", configs_name="AUDIT_DATABASE")
    app = make_app(
        extensions=[db, audit_db],
        models=[Article, Ledger],
        SQL_DATABASE=main.section(CREATE_ALL=True),
        AUDIT_DATABASE=audit.section(CREATE_ALL=True),
    )
    async with TestClient(app):
        pass
    assert await main.tables() == {"articles"}
    assert await audit.tables() == {"ledger"}
