"""Model pages: generated forms with validation beside the fields, optimistic locking, the list's two queries."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from sqlalchemy import event, func, insert, select
from surge_admin_app import Category, Item

from surge.database.sql import SqlDatabase

BASE = "/admin/dashboard/data/database/db/model"


def _db(admin: Any) -> SqlDatabase:
    return admin.dashboard.get_database("db")


async def _rows(admin: Any, model: type) -> list[Any]:
    async with _db(admin).create_session() as session:
        return list((await session.execute(select(model).order_by(model.id))).scalars())


async def test_create_form_is_generated_from_the_model(admin: Any) -> None:
    async with _db(admin).create_session() as session:
        session.add(Category(name="Hardware"))
        await session.commit()
    page = (await admin.client.get(f"{BASE}/Item/create")).text
    assert 'id="record-form"' in page and 'name="csrf_token"' in page
    assert 'id="input-name" name="name" value=""  maxlength="20"' in page  # String(20)
    assert '<select id="input-kind" name="kind"' in page and '<option value="toy"' in page  # enum
    assert '<option value="1" >1 · Hardware</option>' in page  # foreign key as choices
    assert 'type="checkbox" id="input-active"' in page and 'type="number" id="input-quantity"' in page
    assert '<tags-input id="input-tags" name="tags"' in page and '<richtext-editor id="input-notes" name="notes"' in page
    assert 'name="version"' not in page and 'name="id"' not in page  # managed columns are not inputs


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "tool"}, "name", "This field is required."),
        ({"name": "x" * 21, "kind": "tool"}, "name", "At most 20 characters"),
        ({"name": "ok", "kind": "car"}, "kind", "Choose one of the options."),
        ({"name": "ok", "kind": "tool", "quantity": "many"}, "quantity", "Enter a whole number."),
        ({"name": "ok", "kind": "tool", "category_id": "77"}, "category_id", "Choose one of the options."),
    ],
)
async def test_bad_input_is_422_with_the_error_beside_the_field(admin: Any, data: dict[str, str], field: str, message: str) -> None:
    response = await admin.post_form(f"{BASE}/Item/create", data)
    assert response.status_code == 422
    found = re.search(rf'id="error-{field}">([^<]*)<', response.text)
    assert found is not None and message in found.group(1)
    if "name" in data and len(data["name"]) < 21:
        assert f'value="{data["name"]}"' in response.text  # what the user typed is kept
    assert await _rows(admin, Item) == []


async def test_create_edit_delete(admin: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="surge.admin")
    async with _db(admin).create_session() as session:
        session.add(Category(name="Toys"))
        await session.commit()
    created = await admin.post_form(f"{BASE}/Item/create", {
        "name": "Kite", "kind": "toy", "quantity": "3", "active": "true", "category_id": "1", "tags": "red,blue",
        "notes": "<p>Flies <b>well</b></p>",
    })
    assert created.status_code == 303 and created.headers["location"].endswith("/Item/record/id/1?notice=created")
    [item] = await _rows(admin, Item)
    assert (item.name, item.kind, item.quantity, item.active, item.category_id, item.tags, item.version) == (
        "Kite", "toy", 3, True, 1, "red,blue", 1)
    detail = await admin.client.get(created.headers["location"])
    assert 'id="notice"' in detail.text and 'id="field-name">Kite<' in detail.text

    edit_page = (await admin.client.get(f"{BASE}/Item/edit/id/1")).text
    assert 'name="_version" id="input-_version" value="1"' in edit_page and 'value="Kite"' in edit_page
    saved = await admin.post_form(f"{BASE}/Item/edit/id/1", {"name": "Big kite", "kind": "toy", "quantity": "4", "_version": "1"})
    assert saved.status_code == 303
    [item] = await _rows(admin, Item)
    assert (item.name, item.quantity, item.active, item.version) == ("Big kite", 4, False, 2)  # unchecked box: False

    deleted = await admin.post_form(f"{BASE}/Item/delete/id/1", {})
    assert deleted.status_code == 303 and deleted.headers["location"].endswith("/Item?notice=deleted")
    assert await _rows(admin, Item) == []
    actions = [getattr(record, "admin_action", None) for record in caplog.records]
    assert {"create", "update", "delete"} <= set(actions)


async def test_a_stale_version_is_refused_with_409(admin: Any) -> None:
    await admin.post_form(f"{BASE}/Item/create", {"name": "Kite", "kind": "toy"})
    first = await admin.post_form(f"{BASE}/Item/edit/id/1", {"name": "One", "kind": "toy", "quantity": "0", "_version": "1"})
    assert first.status_code == 303
    stale = await admin.post_form(f"{BASE}/Item/edit/id/1", {"name": "Two", "kind": "toy", "quantity": "0", "_version": "1"})
    assert stale.status_code == 409
    assert 'id="form-error"' in stale.text and "Someone else changed this record" in stale.text
    assert 'value="One"' in stale.text and 'name="_version" id="input-_version" value="2"' in stale.text
    [item] = await _rows(admin, Item)
    assert (item.name, item.version) == ("One", 2)


async def test_a_bad_key_path_is_a_400_page(admin: Any) -> None:
    for path in ("/Item/record/id", "/Item/record/id/abc", "/Item/record/name/1"):
        response = await admin.client.get(BASE + path)
        assert response.status_code == 400, path
        assert 'data-status="400"' in response.text


async def test_a_unique_violation_is_a_form_error(admin: Any) -> None:
    assert (await admin.post_form(f"{BASE}/Category/create", {"name": "Same"})).status_code == 303
    again = await admin.post_form(f"{BASE}/Category/create", {"name": "Same"})
    assert again.status_code == 422 and 'id="form-error"' in again.text
    assert len(await _rows(admin, Category)) == 1


@pytest.fixture
async def many(admin: Any) -> Any:
    """10,000 items: every 7th a toy, every 1000th named 'needle'."""
    async with _db(admin).create_session() as session:
        await session.execute(insert(Category), [{"name": "C"}])
        rows = [{"name": ("needle" if i % 1000 == 0 else f"item {i:05d}"), "kind": "toy" if i % 7 == 0 else "tool",
                 "quantity": i, "active": i % 2 == 0, "category_id": 1, "version": 1} for i in range(10_000)]
        await session.execute(insert(Item), rows)
        await session.commit()
    return admin


async def _statements_of(admin: Any, url: str) -> tuple[Any, list[str]]:
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = _db(admin).engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        response = await admin.client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return response, statements


async def test_a_list_page_runs_one_count_and_one_page_query(many: Any) -> None:
    response, statements = await _statements_of(many, f"{BASE}/Item?page=3&per_page=25&sort=quantity&order=desc")
    assert response.status_code == 200
    assert len(statements) == 2, statements
    assert "count(*)" in statements[0].lower()
    assert "LIMIT" in statements[1] and "OFFSET" in statements[1]
    assert 'id="total-count">10000<' in response.text and 'id="page-info">Page 3 of 400<' in response.text
    assert response.text.count('<tr id="row-') == 25
    assert 'id="row-9950"' in response.text and 'id="row-9926"' in response.text  # quantity 9949..9925
    assert 'id="row-9951"' not in response.text and 'id="row-9925"' not in response.text


async def test_search_filters_and_pagination_links(many: Any) -> None:
    response, statements = await _statements_of(many, f"{BASE}/Item?q=needle&filter_kind=toy&per_page=5")
    assert len(statements) == 2
    # needles: i % 1000 == 0 (10 rows); toys among them: i % 7 == 0 -> 0 and 7000
    assert 'id="total-count">2<' in response.text
    assert 'id="row-1"' in response.text and 'id="row-7001"' in response.text
    page1 = (await many.client.get(f"{BASE}/Item?filter_active=true&per_page=50")).text
    assert 'id="total-count">5000<' in page1 and 'id="page-next" href="' in page1
    next_link = re.search(r'id="page-next" href="([^"]+)"', page1)
    assert next_link is not None and "page=2" in next_link.group(1) and "filter_active=true" in next_link.group(1)
    bad = await many.client.get(f"{BASE}/Item?page=x")
    assert bad.status_code == 400
    bad_filter = await many.client.get(f"{BASE}/Item?filter_active=maybe")
    assert bad_filter.status_code == 400
    async with _db(many).create_session() as session:
        assert (await session.execute(select(func.count()).select_from(Item))).scalar_one() == 10_000
