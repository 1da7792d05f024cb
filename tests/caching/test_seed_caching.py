"""The seed README's caching: @cache.cache in memory, on SQLite, on Redis, and a custom backend.

The seed's own code is written into a throw-away ``app`` package (``seed_project``) and driven
as a user would, against real parts: SQLite files in ``tmp_path`` and Redis on 127.0.0.1 (skipped when absent)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from surge.testing import TestClient

from seed_project import SeedProject

CACHE_API = """
    from typing import Optional

    from pydantic import BaseModel

    from surge import Request, Response, HttpStatus, MediaType
    from surge.controller import Controller, path, get, produces

    from app.extensions import cache

    CALLS: list[int] = []

    class UserData(BaseModel):
        id: int
        fullname: str
        email: Optional[str] = None

    @path("/api/v1/users")
    class UsersApi(Controller):

        @get("/<int:user_id>")
        @produces(MediaType.APPLICATION_JSON)
        @cache.cache(duration=300)#default is 300 so this is not needed
        async def get_user(self, req: Request, user_id: int) -> Response[UserData]:
            \"\"\"Returns a user by user_id\"\"\"
            CALLS.append(user_id)
            return req.response.json(UserData(id=user_id, fullname=f"User {user_id} v{len(CALLS)}", email=None)).status(HttpStatus.OK)

        @get("/short/<int:user_id>")
        @cache.cache(duration=1)
        async def short(self, req: Request, user_id: int) -> Response:
            CALLS.append(user_id)
            return req.response.json({"call": len(CALLS)})

        @get("/manual")
        async def manual(self, req: Request) -> Response:
            await cache.set("manual-key", req.response.json({"stored": True}).status(HttpStatus.OK), 60)
            stored = await cache.get("manual-key")
            await cache.delete("manual-key")
            deleted = await cache.get("manual-key")
            return req.response.json({"stored": stored is not None, "status": stored and stored.get("status_code"),
                                      "deleted": deleted is None})
"""


CUSTOM_CACHE_BACKEND = """
    from typing import Optional

    from surge.caching import BaseCacheBackend

    STORE: dict[str, dict] = {}
    EVENTS: list[str] = []

    class DictCacheBackend(BaseCacheBackend):
        \"\"\"A custom backend implementing the seed's abstract class.\"\"\"

        @classmethod
        def configure_from_app(cls, app, variable_prefix: str) -> "BaseCacheBackend":
            EVENTS.append(f"configured from {variable_prefix}")
            return cls()

        async def connect(self) -> None:
            EVENTS.append("connect")

        async def disconnect(self) -> None:
            EVENTS.append("disconnect")

        async def get(self, key: str) -> Optional[dict]:
            return STORE.get(key)

        async def set(self, key: str, value: dict, duration: Optional[int] = None) -> None:
            STORE[key] = value

        async def delete(self, key: str) -> None:
            STORE.pop(key, None)

        async def clear(self) -> None:
            STORE.clear()
"""


def cache_project(project: SeedProject, section: str, constructor: str = "Cache()", imports: str = "") -> None:
    project.write(
        "extensions.py",
        f"""
        from surge.caching import Cache

        #other extensions
        cache: Cache = {constructor} #can also add a variable prefix to specify a configs namespace
        """,
    )
    project.write("cache_backends.py", CUSTOM_CACHE_BACKEND)
    project.write("api/users/user_api.py", CACHE_API)
    project.config(
        f"""
        {section}
        EXTENSIONS: list[str] = ['app.extensions:cache']
        CONTROLLERS: list[str] = ['app.api.users.user_api:UsersApi']
        DEBUG: bool = False
        """,
        imports=imports,
    )


async def exercise_cached_endpoint(project: SeedProject, client: Any) -> None:
    calls = project.module("api.users.user_api").CALLS
    first = await client.get("/api/v1/users/1")
    again = await client.get("/api/v1/users/1")
    other = await client.get("/api/v1/users/2")
    assert first.status_code == again.status_code == other.status_code == 200
    assert first.json() == again.json() == {"id": 1, "fullname": "User 1 v1", "email": None}
    assert other.json()["fullname"] == "User 2 v2"  # route parameters are part of the key
    assert first.headers["content-type"].startswith("application/json")
    assert again.headers["content-type"] == first.headers["content-type"]
    assert calls == [1, 2]
    cache = project.module("extensions").cache
    await cache.clear()
    assert (await client.get("/api/v1/users/1")).json()["fullname"] == "User 1 v3"
    assert (await client.get("/api/v1/users/manual")).json() == {"stored": True, "status": 200, "deleted": True}


async def test_cache_in_memory_by_default(project):
    cache_project(project, "")
    app = project.application()
    async with TestClient(app) as client:
        await exercise_cached_endpoint(project, client)
        assert project.module("extensions").cache.duration == 300  # DURATION default
        calls = project.module("api.users.user_api").CALLS
        before = len(calls)
        await client.get("/api/v1/users/short/7")
        await client.get("/api/v1/users/short/7")
        assert len(calls) == before + 1
        await asyncio.sleep(1.2)  # duration=1 has passed
        await client.get("/api/v1/users/short/7")
        assert len(calls) == before + 2


async def test_cache_sqlite_backend_configuration(project, tmp_path):
    path = tmp_path / "cache" / "pyjolt_cache.db"
    cache_project(
        project,
        f"""
        CACHE: dict[str, Any] = {{
            "BACKEND": SqliteCacheBackend,
            "DURATION": 120,
            "KEY_PREFIX": "seedapp:",
            "SQLITE_PATH": {str(path)!r},
            "SQLITE_TABLE": "my_cache_entries",
            "SQLITE_WAL_CHECKPOINT_MODE": "TRUNCATE",
            "SQLITE_WAL_CHECKPOINT_EVERY": 2,
        }}
        """,
        imports="from surge.caching import SqliteCacheBackend\n",
    )
    app = project.application()
    async with TestClient(app) as client:
        await exercise_cached_endpoint(project, client)
    import sqlite3

    with sqlite3.connect(path) as conn:
        keys = [row[0] for row in conn.execute("SELECT * FROM my_cache_entries")]
    assert keys and all(str(key).startswith("seedapp:") for key in keys)


async def test_cache_redis_backend_configuration(project, redis_url):
    prefix = f"seed-{uuid.uuid4().hex[:8]}:"
    cache_project(
        project,
        f"""
        CACHE: dict[str, Any] = {{
            "BACKEND": RedisCacheBackend,
            "REDIS_URL": {redis_url!r},
            "REDIS_PASSWORD": None,
            "DURATION": 300,
            "KEY_PREFIX": {prefix!r},
        }}
        """,
        imports="from surge.caching import RedisCacheBackend\n",
    )
    app = project.application()
    import redis.asyncio as aioredis

    client_redis = aioredis.from_url(redis_url)
    try:
        async with TestClient(app) as client:
            await exercise_cached_endpoint(project, client)
            keys = [key async for key in client_redis.scan_iter(match=f"{prefix}*")]
            assert keys
            ttl = await client_redis.ttl(keys[0])
            assert 0 < ttl <= 300
            await project.module("extensions").cache.clear()
            assert [key async for key in client_redis.scan_iter(match=f"{prefix}*")] == []
    finally:
        await client_redis.aclose()


async def test_cache_custom_backend_and_variable_prefix(project):
    cache_project(
        project,
        'MY_CACHE_CACHE: dict[str, Any] = {"BACKEND": DictCacheBackend, "DURATION": 60}',
        constructor='Cache(variable_prefix="MY_CACHE_")',
        imports="",
    )
    configs = project.package / "configs.py"
    configs.write_text(f"from {project.name}.cache_backends import DictCacheBackend\n" + configs.read_text())
    app = project.application()
    backend = project.module("cache_backends")
    cache = project.module("extensions").cache
    assert cache.variable_prefix == "MY_CACHE_" and cache.duration == 60
    async with TestClient(app) as client:
        assert backend.EVENTS == ["configured from MY_CACHE_CACHE", "connect"]
        await exercise_cached_endpoint(project, client)
        assert len(backend.STORE) == 1  # /1 again after clear()
        stored = next(iter(backend.STORE.values()))
        assert isinstance(stored, dict) and stored["status_code"] == 200
    assert backend.EVENTS[-1] == "disconnect"
