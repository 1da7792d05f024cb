"""The seed README's OpenAPI specifications: served in debug only; extension decorators keep the docs.

The seed's own code is written into a throw-away ``app`` package (``seed_project``) and driven
as a user would, against real parts: SQLite files in ``tmp_path``."""

from __future__ import annotations

import importlib
import json

from surge.testing import TestClient

from seed_project import USERS_API, auth_project


async def test_openapi_served_in_debug_only_and_extension_decorators_keep_the_docs(project, tmp_path):
    auth_project(project, f"sqlite+aiosqlite:///{tmp_path / 'openapi.db'}")
    project.write(
        "api/users/crud_api.py",
        USERS_API.replace('@path("/api/v1/users")', '@path("/api/v1/people")'),
    )
    configs = project.package / "configs.py"
    configs.write_text(
        configs.read_text()
        .replace("DEBUG: bool = False", "DEBUG: bool = True")
        .replace(
            "CONTROLLERS: list[str] = [",
            f"CONTROLLERS: list[str] = ['{project.name}.api.users.crud_api:UsersApi', ",
        )
    )
    app = project.application()
    async with TestClient(app) as client:
        docs = await client.get("/openapi/docs")
        assert docs.status_code == 200 and "text/html" in docs.headers["content-type"]
        spec = (await client.get("/openapi/specs.json")).json()
    create = spec["paths"]["/api/v1/people"]["post"]
    assert "Creates new user" in json.dumps(create)
    assert all(param["name"] != "session" for param in create.get("parameters", []))
    assert "UserData" in json.dumps(create["requestBody"]) and "UserData" in json.dumps(create["responses"])
    protected = spec["paths"]["/api/v1/users/{user_id}"]["get"]
    assert "Returns a user by user_id" in json.dumps(protected)
    assert [p["name"] for p in protected["parameters"]] == ["user_id"]

    production = importlib.import_module(project.name).Application(configs=project.module("configs").Config(DEBUG=False))
    async with TestClient(production) as client:
        assert (await client.get("/openapi/specs.json")).status_code == 404
        assert (await client.get("/openapi/docs")).status_code == 404
