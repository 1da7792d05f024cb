"""A value the column cannot hold is the client's mistake: 422 with the one error shape, not 500.

On SQLite an int past 2**63-1 raises the driver's OverflowError; on PostgreSQL asyncpg refuses
it (and a too-long string) with a data error. Both reach the client as the same 422.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel
from sql_models import db
from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from surge import Request
from surge.controller import Controller, path, post, put
from surge.database import AsyncSession, create_declarative_base
from surge.testing import TestClient

Base = create_declarative_base("db")  # its own metadata: other tests' tables stay apart

class Document(Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    code: Mapped[str] = mapped_column(String(5))


class DocumentIn(BaseModel):
    version: int
    code: str = "a"


@path("/documents")
class DocumentsApi(Controller):
    @post("/")
    @db.managed_session
    async def create(self, req: Request, data: DocumentIn, session: AsyncSession) -> dict[str, Any]:
        document = Document(version=data.version, code=data.code)
        session.add(document)
        await session.flush()
        return {"id": document.id}

    @put("/<int:doc_id>")
    @db.managed_session
    async def update(self, req: Request, doc_id: int, data: DocumentIn, session: AsyncSession) -> dict[str, Any]:
        document = await session.get(Document, doc_id)
        assert document is not None
        document.version = data.version
        return {"id": doc_id}


@pytest.fixture
def app(sql_target, make_app):
    return make_app(
        extensions=[db],
        models=[Document],
        controllers=[DocumentsApi],
        SQL_DATABASE=sql_target.section(CREATE_ALL=True),
    )


EXPECTED = {
    "status": "error",
    "message": "A value is out of range or invalid for its column",
    "data": {"constraint": "data"},
}


@pytest.mark.parametrize("version", [2**63, -(2**63) - 1, 10**30])
async def test_int_out_of_range_is_422_on_insert_and_update(app, sql_target, version):
    async with TestClient(app) as client:
        res = await client.post("/documents", json={"version": version})
        assert res.status_code == 422, res.text
        assert res.json() == EXPECTED
        created = await client.post("/documents", json={"version": 2**63 - 1})
        assert created.status_code == 200
        doc_id = created.json()["id"]
        res = await client.put(f"/documents/{doc_id}", json={"version": version})
        assert res.status_code == 422, res.text
        assert res.json() == EXPECTED
    assert await sql_target.fetch("SELECT version FROM documents") == [(2**63 - 1,)]


async def test_string_too_long_is_422_where_the_database_checks_it(app, sql_target):
    async with TestClient(app) as client:
        res = await client.post("/documents", json={"version": 1, "code": "much too long"})
    if sql_target.kind == "sqlite":  # SQLite does not enforce VARCHAR lengths
        assert res.status_code == 200
    else:
        assert res.status_code == 422
        assert res.json() == EXPECTED
