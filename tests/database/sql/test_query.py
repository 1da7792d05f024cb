"""AsyncQuery: every builder and executor the seed lists, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sql_models import Post, User, db
from sqlalchemy.exc import MultipleResultsFound, NoResultFound
from sqlalchemy.orm import selectinload

from surge.database.sql import AsyncQuery
from surge.exceptions import BadRequest
from surge.testing import TestClient

NAMES = ["alice", "bob", "carol", "dave", "eve", "x_y", "xay"]


@pytest.fixture
async def session(sql_target, make_app):
    app = make_app(extensions=[db], models=[User, Post], SQL_DATABASE=sql_target.section(CREATE_ALL=True))
    async with TestClient(app):
        async with db.create_session() as setup:
            users = [User(name=name, email=f"{name}@example.com") for name in NAMES]
            setup.add_all(users)
            await setup.flush()
            setup.add_all(
                [Post(user_id=users[0].id, title="hello"), Post(user_id=users[0].id, title="again")]
            )
            setup.add(Post(user_id=users[1].id, title="hello"))
            await setup.commit()
        async with db.create_session() as session:
            yield session


async def names(query: AsyncQuery[User]) -> list[str]:
    return [user.name for user in await query.all()]


async def test_where_filter_and_filter_by(session):
    assert isinstance(User.query(session), AsyncQuery)
    assert await names(User.query(session).where(User.name == "bob")) == ["bob"]
    assert await names(
        User.query(session).filter(User.id > 0, User.name.in_(["eve", "dave"])).order_by(User.name)
    ) == [
        "dave",
        "eve",
    ]
    assert await names(User.query(session).filter_by(name="carol", email="carol@example.com")) == ["carol"]
    assert await names(User.query(session).filter_by(name="nobody")) == []


async def test_order_by_limit_offset(session):
    query = User.query(session).where(User.id <= 5).order_by(User.name.desc()).limit(3).offset(1)
    assert await names(query) == ["dave", "carol", "bob"]


async def test_join(session):
    query = User.query(session).join(Post).where(Post.title == "hello").order_by(User.name)
    assert await names(query) == ["alice", "bob"]
    again = User.query(session).join(Post, Post.user_id == User.id).filter(Post.title == "again")
    assert await names(again) == ["alice"]


async def test_like_ilike_and_escape(session):
    assert await names(User.query(session).like(User.name, "%o%").order_by(User.name)) == ["bob", "carol"]
    assert await names(User.query(session).ilike("name", "ALI%")) == ["alice"]
    assert await names(User.query(session).like("name", "x!_%", escape="!")) == ["x_y"]
    with pytest.raises(AttributeError, match="no column 'nope'"):
        User.query(session).like("nope", "%")


async def test_executors_all_first_one_count(session):
    assert len(await User.query(session).all()) == len(NAMES)
    first = await User.query(session).order_by(User.name).first()
    assert first is not None and first.name == "alice"
    assert await User.query(session).filter_by(name="nobody").first() is None
    assert (await User.query(session).filter_by(name="eve").one()).email == "eve@example.com"
    with pytest.raises(NoResultFound):
        await User.query(session).filter_by(name="nobody").one()
    with pytest.raises(MultipleResultsFound):
        await User.query(session).one()
    assert await User.query(session).count() == len(NAMES)
    assert await User.query(session).like(User.name, "x%").count() == 2
    assert await User.query(session).order_by(User.id).limit(2).count() == 2


async def test_paginate_shape(session):
    page = await User.query(session).order_by(User.name).paginate(page=1, per_page=3)
    assert [u.name for u in page["items"]] == ["alice", "bob", "carol"]
    assert {k: v for k, v in page.items() if k != "items"} == {
        "total": 7,
        "page": 1,
        "pages": 3,
        "per_page": 3,
        "has_next": True,
        "has_prev": False,
    }
    last = await User.query(session).order_by(User.id).paginate(page=3, per_page=3)
    assert [u.name for u in last["items"]] == ["xay"]
    assert (last["has_next"], last["has_prev"]) == (False, True)
    past = await User.query(session).paginate(page=9, per_page=3)
    assert past["items"] == [] and past["total"] == 7
    empty = await User.query(session).filter_by(name="nobody").paginate()
    assert (empty["total"], empty["pages"], empty["has_next"], empty["per_page"]) == (0, 0, False, 10)
    capped = await User.query(session).paginate(per_page=100, max_per_page=5)
    assert capped["per_page"] == 5 and len(capped["items"]) == 5
    limited = await User.query(session).order_by(User.name).limit(1).paginate(page=2, per_page=2)
    assert [u.name for u in limited["items"]] == ["carol", "dave"]  # paginate replaces limit/offset
    with pytest.raises(BadRequest, match="page must be 1 or more"):
        await User.query(session).paginate(page=0)
    with pytest.raises(BadRequest, match="per_page must be 1 or more"):
        await User.query(session).paginate(per_page=0)


async def test_options_load_relationships_for_use_after_close(session):
    user = await User.query(session).options(selectinload(User.posts)).filter_by(name="alice").one()
    await session.close()
    assert [post.title for post in user.posts] == ["hello", "again"]


async def test_statement_is_exposed(session):
    query = User.query(session).filter_by(name="bob")
    assert "WHERE users.name" in str(query.statement)
    assert "AsyncQuery User" in repr(query)
    assert query.session is session


async def test_dicts_and_one_dict_give_column_values(session):
    bob = await User.query(session).filter_by(name="bob").one_dict()
    assert bob == {"id": bob["id"], "name": "bob", "email": "bob@example.com"}
    everyone = await User.query(session).dicts()
    assert sorted(row["name"] for row in everyone) == sorted(NAMES)
    assert {row["id"]: row for row in everyone}[bob["id"]] == bob
    assert await User.query(session).filter_by(id=bob["id"], name="bob").dicts() == [bob]
    assert await User.query(session).filter_by(name="nobody").dicts() == []
    built = User.query(session).where(User.id <= bob["id"]).order_by(User.name.desc())
    assert [row["name"] for row in await built.dicts()] == sorted(NAMES[: NAMES.index("bob") + 1], reverse=True)
    assert (await Post.query(session).filter_by(title="again").one_dict())["title"] == "again"
    with pytest.raises(NoResultFound):
        await User.query(session).filter_by(name="nobody").one_dict()
    with pytest.raises(MultipleResultsFound):
        await Post.query(session).filter_by(title="hello").one_dict()


async def test_dicts_see_the_sessions_own_unflushed_changes(session):
    session.add(User(name="zed", email="z@example.com"))  # pending: autoflushed before the read
    assert (await User.query(session).filter_by(name="zed").one_dict())["email"] == "z@example.com"
    carol = await User.query(session).filter_by(name="carol").one()
    carol.email = "new@example.com"  # dirty
    assert (await User.query(session).filter_by(name="carol").one_dict())["email"] == "new@example.com"
    await session.rollback()
    assert (await User.query(session).filter_by(name="zed").dicts()) == []
    assert (await User.query(session).filter_by(name="carol").one_dict())["email"] == "carol@example.com"


async def test_dicts_honour_do_orm_execute_hooks(session):
    from sqlalchemy import event
    from sqlalchemy.orm import with_loader_criteria

    def hide_bob(state):  # a global filter, as soft-delete recipes write it
        if state.is_select:
            state.statement = state.statement.options(with_loader_criteria(User, User.name != "bob"))

    await User.query(session).filter_by(name="alice").dicts()  # the connection is in use already
    event.listen(session.sync_session, "do_orm_execute", hide_bob)
    assert await User.query(session).filter_by(name="bob").dicts() == []
    assert "bob" not in [row["name"] for row in await User.query(session).dicts()]
