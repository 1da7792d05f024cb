"""OpenAPI: a security scheme for every auth decorator, 401/403 documented, request/response examples."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate
from pydantic import BaseModel, ConfigDict

from surge import BaseConfig, Request, Response, Surge
from surge.auth import Authentication, login_required, role_required
from surge.controller import Controller, Descriptor, get, open_api_docs, path, post
from surge.openapi import build_openapi, openapi_example

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo"


class Note(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"title": "Milk", "done": False}]})
    title: str
    done: bool = False


class Problem(BaseModel):
    status: str
    message: str


class TokenAuth(Authentication):
    """A user's own Authentication subclass: it names no OpenAPI scheme."""

    async def user_loader(self, req: Request) -> Any:
        return {"id": 1} if req.headers.get("authorization") == "Bearer good" else None


@path("/notes")
class NotesApi(Controller):
    @get("/public")
    async def public(self, req: Request) -> Response:
        return req.response.json({})

    @post("/")
    @login_required
    @openapi_example("milk", request={"title": "Milk"}, response=Note(title="Milk"), status=201, summary="Buy milk")
    @openapi_example("missing", response={"status": "error", "message": "Unknown list"}, status=404)
    @open_api_docs(Descriptor(status=404, description="Unknown list", body=Problem))
    async def create(self, req: Request, note: Note) -> Response[Note]:
        return req.response.json(note).status(201)


@login_required
@path("/admin")
class AdminApi(Controller):
    @get("/stats")
    async def stats(self, req: Request) -> Response:
        return req.response.json({})

    @get("/secret")
    @role_required("admin")
    async def secret(self, req: Request) -> Response:
        return req.response.json({})


def _document(*extensions: object) -> dict[str, Any]:
    application = Surge(configs=BaseConfig(DEBUG=False, SECRET_KEY="k" * 40, APP_NAME="notes", VERSION="1"))
    for extension in extensions:
        application.add_extension(extension)
    application.register_controller(NotesApi)
    application.register_controller(AdminApi)
    document = build_openapi(application)  # before startup: the decorators alone say it
    validate(document)
    return document


def test_every_protected_operation_names_a_scheme_that_is_defined() -> None:
    document = _document(TokenAuth())
    paths = document["paths"]
    assert "security" not in paths["/notes/public"]["get"]
    for route, method in [("/notes", "post"), ("/admin/stats", "get"), ("/admin/secret", "get")]:
        assert paths[route][method]["security"] == [{"bearerAuth": []}], route
        assert "401" in paths[route][method]["responses"]
    assert "403" in paths["/admin/secret"]["get"]["responses"]
    assert document["components"]["securitySchemes"] == {"bearerAuth": {"type": "http", "scheme": "bearer"}}


def test_examples_from_the_decorator_and_from_pydantic() -> None:
    document = _document(TokenAuth())
    operation = document["paths"]["/notes"]["post"]
    request = operation["requestBody"]["content"]["application/json"]
    assert request["examples"]["milk"] == {"value": {"title": "Milk"}, "summary": "Buy milk"}
    created = operation["responses"]["201"]["content"]["application/json"]
    assert created["examples"]["milk"]["value"] == {"title": "Milk", "done": False}
    missing = operation["responses"]["404"]["content"]["application/json"]
    assert missing["examples"]["missing"]["value"] == {"status": "error", "message": "Unknown list"}
    assert "Problem" in str(missing["schema"])  # the error's own response model
    assert document["components"]["schemas"]["Note"]["examples"] == [{"title": "Milk", "done": False}]


def test_the_demo_document_is_valid_openapi(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.syspath_prepend(str(DEMO))
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setenv("SQL_DATABASE", f'{{"DATABASE_URI": "sqlite+aiosqlite:///{tmp_path / "demo.db"}"}}')
    for name in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        monkeypatch.delitem(sys.modules, name)
    from app import Application

    document = build_openapi(Application())
    validate(document)
    protected = [op for item in document["paths"].values() for op in item.values() if "security" in op]
    assert protected, "the demo has protected endpoints"
    schemes = document["components"]["securitySchemes"]
    for operation in protected:
        for requirement in operation["security"]:
            assert set(requirement) <= set(schemes)
        assert "401" in operation["responses"]
